package io.splitee.device.cli;

import io.splitee.engine.Policies;

/** Option checks shared by the subcommands; each failure names the option. */
final class Checks {

    private Checks() {
    }

    static double nonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InputException(option + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    static double threshold(String option, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new InputException(option + " must be in (0, 1], got " + value);
        }
        return value;
    }

    static String policy(String option, String spec) {
        try {
            return Policies.checkSpec(spec);
        } catch (IllegalArgumentException e) {
            throw new InputException(option + ": " + e.getMessage());
        }
    }
}
