package io.splitee.engine;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed policy spec, the one validator of policy names for every program: {@code splitee}
 * (UCB over split points), {@code splitee-s} (SplitEE with side observations), {@code final}
 * (always arm L), {@code fixed:K} (always arm K, K ≥ 1; checked against L when the policy is made),
 * {@code random} (uniform, seeded), {@code early-exit} (the on-device early-exit baseline).
 *
 * @param kind     which policy
 * @param fixedArm K for {@link Kind#FIXED}, 0 otherwise
 */
public record PolicySpec(Kind kind, int fixedArm) {

    /** The accepted specs, for messages and help ({@code K} stands for an arm number). */
    public static final List<String> SPECS = List.of("splitee", "splitee-s", "final", "fixed:K", "random", "early-exit");

    private static final String FIXED = "fixed:";

    /** The policies, with what each is known to do. */
    public enum Kind {
        SPLITEE("splitee", Characteristic.ADAPTIVE, Characteristic.PLAYS_EVERY_ARM),
        SPLITEE_S("splitee-s", Characteristic.ADAPTIVE, Characteristic.PLAYS_EVERY_ARM,
                Characteristic.SIDE_OBSERVATIONS),
        FINAL("final"),
        FIXED("fixed"),
        RANDOM("random", Characteristic.PLAYS_EVERY_ARM, Characteristic.RANDOMIZED),
        EARLY_EXIT("early-exit", Characteristic.EVALUATES_EVERY_EXIT, Characteristic.STOPS_AT_FIRST_CONFIDENT_EXIT);

        private final String spec;
        private final Set<Characteristic> characteristics;

        Kind(String spec, Characteristic... characteristics) {
            this.spec = spec;
            EnumSet<Characteristic> set = EnumSet.noneOf(Characteristic.class);
            Collections.addAll(set, characteristics);
            this.characteristics = Collections.unmodifiableSet(set);
        }
    }

    /** Validates the pairing of kind and arm. */
    public PolicySpec {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FIXED ? fixedArm < 1 : fixedArm != 0) {
            throw new IllegalArgumentException(kind == Kind.FIXED ? "policy 'fixed:" + fixedArm
                    + "': the arm must be >= 1" : "policy '" + kind.spec + "' takes no arm");
        }
    }

    /**
     * Parses a spec.
     *
     * @throws IllegalArgumentException naming the problem (unknown name, a {@code fixed:K} whose K
     *                                  is not a number ≥ 1)
     */
    public static PolicySpec parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        for (Kind k : Kind.values()) {
            if (k != Kind.FIXED && k.spec.equals(spec)) {
                return new PolicySpec(k, 0);
            }
        }
        if (spec.startsWith(FIXED)) {
            String k = spec.substring(FIXED.length());
            int arm;
            try {
                arm = Integer.parseInt(k);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("policy '" + spec + "': '" + k + "' is not an arm number");
            }
            return new PolicySpec(Kind.FIXED, arm);
        }
        throw new IllegalArgumentException("unknown policy '" + spec + "' (expected one of "
                + String.join(", ", SPECS) + ")");
    }

    /** What the policy is known to do. */
    public Set<Characteristic> characteristics() {
        return kind.characteristics;
    }

    /** Whether the policy has {@code c}. */
    public boolean has(Characteristic c) {
        return kind.characteristics.contains(c);
    }

    /**
     * Checks the spec against a model of {@code arms} exits.
     *
     * @throws IllegalArgumentException for a {@code fixed:K} with K &gt; arms
     */
    public PolicySpec checkArms(int arms) {
        if (kind == Kind.FIXED && fixedArm > arms) {
            throw new IllegalArgumentException("policy '" + this + "': the arm must be in 1.." + arms);
        }
        return this;
    }

    /** The canonical spec, e.g. {@code splitee-s} or {@code fixed:3}. */
    @Override
    public String toString() {
        return kind == Kind.FIXED ? FIXED + fixedArm : kind.spec;
    }
}
