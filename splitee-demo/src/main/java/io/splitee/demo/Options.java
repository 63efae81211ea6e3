package io.splitee.demo;

import io.splitee.demo.images.Distortion;
import io.splitee.demo.report.Settings;
import io.splitee.device.config.DeviceConfig;
import io.splitee.engine.Policies;
import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Option groups shared by the subcommands; every check names its flag. */
final class Options {

    private Options() {
    }

    /** The paper yardstick: λ, o, α, the UCB constant and the seed. */
    static final class Yardstick {
        @Option(names = "--lambda", defaultValue = "0.01", paramLabel = "LAMBDA",
                description = "Per-block device cost λ of the paper cost (default ${DEFAULT-VALUE}).")
        double lambda;

        @Option(names = "--offload-cost", defaultValue = "0.1", paramLabel = "O",
                description = "Offload cost o of the paper cost (default ${DEFAULT-VALUE}).")
        double offloadCost;

        @Option(names = "--threshold", defaultValue = "0.8", paramLabel = "ALPHA",
                description = "Confidence threshold α in (0, 1] (default ${DEFAULT-VALUE}).")
        double threshold;

        @Option(names = "--ucb-c", paramLabel = "C",
                description = "UCB exploration constant (default: 1, the paper's; with the demo's --cost measured 0.5, "
                        + "the device's).")
        Double ucbC;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
                description = "Seed of the random baseline, the device's policy and the noise distortion (default ${DEFAULT-VALUE}).")
        long seed;

        /** The device's UCB constant: {@code --ucb-c}, or null for the default of its cost mode. */
        Double deviceUcbC() {
            return ucbC;
        }

        /** The yardstick, with the paper's UCB constant unless {@code --ucb-c} is given. */
        Settings settings() {
            double ucbC = this.ucbC != null ? this.ucbC : DeviceConfig.PolicyConfig.PAPER_UCB_C;
            nonNegative("--lambda", lambda);
            nonNegative("--offload-cost", offloadCost);
            if (!(threshold > 0 && threshold <= 1)) {
                throw new InputException("--threshold must be in (0, 1], got " + threshold);
            }
            nonNegative("--ucb-c", ucbC);
            return new Settings(lambda, offloadCost, threshold, ucbC, seed);
        }
    }

    /** The model package and the distortion of its images. */
    static final class Model {
        @Option(names = "--model", defaultValue = "models/fmnist-resnet12", paramLabel = "DIR",
                description = "Model package directory (default ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--distortion", defaultValue = "clean", paramLabel = "KIND",
                description = "clean, noise (gaussian σ=0.1), blur (5x5 gaussian σ=1) or dim (contrast halved); "
                        + "default ${DEFAULT-VALUE}.")
        String distortion;

        ModelPackage load() {
            try {
                return ModelPackage.load(dir);
            } catch (ModelPackageException e) {
                throw new InputException("--model " + dir + ": " + e.getMessage()
                        + (dir.toString().equals("models/fmnist-resnet12") ? " (run from the repository root, or pass --model DIR)" : ""), e);
            }
        }

        Distortion distortion() {
            try {
                return Distortion.parse(distortion);
            } catch (IllegalArgumentException e) {
                throw new InputException("--distortion: " + e.getMessage());
            }
        }
    }

    static void nonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InputException(option + " must be a finite number >= 0, got " + value);
        }
    }

    static String policy(String spec) {
        try {
            return Policies.checkSpec(spec);
        } catch (IllegalArgumentException e) {
            throw new InputException("--policy: " + e.getMessage());
        }
    }

    /** Checks that a policy spec fits the model ({@code fixed:K} needs K ≤ L): exit 2 naming {@code --policy}. */
    static void policyFits(String spec, Settings s, ModelPackage pkg) {
        try {
            Policies.parse(spec, s.engine(pkg.depth()));
        } catch (IllegalArgumentException e) {
            throw new InputException("--policy: " + e.getMessage() + " (the model has " + pkg.depth() + " exits)");
        }
    }

    static double rate(double rate) {
        if (!(rate > 0) || rate > 100_000 || Double.isNaN(rate)) {
            throw new InputException("--rate must be in (0, 100000] samples per second, got " + rate);
        }
        return rate;
    }

    /** Why a connection failed, in a few words: the innermost cause's message ("Connection refused"). */
    static String why(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }

    /** A broker URI: {@code tcp://host:port} (or {@code ssl://} where allowed). */
    static java.net.URI broker(String uri, boolean allowSsl) {
        java.net.URI u;
        try {
            u = new java.net.URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new InputException("--broker: '" + uri + "' is not a URI (expected tcp://host:port)");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        if (!(scheme.equals("tcp") || (allowSsl && scheme.equals("ssl")))) {
            throw new InputException("--broker: '" + uri + "' must be tcp://host:port" + (allowSsl ? " or ssl://host:port"
                    : " (the demo's link emulator forwards plain TCP)"));
        }
        if (u.getHost() == null || u.getPort() < 1) {
            throw new InputException("--broker: '" + uri + "' needs a host and a port, e.g. tcp://localhost:1883");
        }
        return u;
    }
}
