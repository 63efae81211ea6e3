package io.splitee.engine;

import java.util.List;
import java.util.Objects;

/**
 * Creates and restores {@link Policy} objects from a spec string.
 *
 * <p>Specs: {@code splitee} (UCB over split points), {@code splitee-s} (SplitEE with side
 * observations), {@code final} (always arm L), {@code fixed:K} (always arm K, 1 ≤ K ≤ L),
 * {@code random} (uniform, seeded by {@link EngineConfig#seed()}), {@code early-exit} (the
 * on-device early-exit baseline).
 */
public final class Policies {

    /** The accepted specs, for messages and help ({@code K} stands for an arm number). */
    public static final List<String> SPECS = List.of("splitee", "splitee-s", "final", "fixed:K", "random", "early-exit");

    private static final String FIXED = "fixed:";

    private Policies() {
    }

    /**
     * Checks a spec's syntax without a configuration ({@code fixed:K} is range-checked against L
     * by {@link #parse}).
     *
     * @return the canonical spec
     * @throws IllegalArgumentException naming the problem
     */
    public static String checkSpec(String spec) {
        Objects.requireNonNull(spec, "spec");
        switch (spec) {
            case "splitee", "splitee-s", "final", "random", "early-exit":
                return spec;
            default:
                break;
        }
        if (spec.startsWith(FIXED)) {
            String k = spec.substring(FIXED.length());
            int arm;
            try {
                arm = Integer.parseInt(k);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("policy '" + spec + "': '" + k + "' is not an arm number");
            }
            if (arm < 1) {
                throw new IllegalArgumentException("policy '" + spec + "': the arm must be >= 1");
            }
            return FIXED + arm;
        }
        throw new IllegalArgumentException("unknown policy '" + spec + "' (expected one of "
                + String.join(", ", SPECS) + ")");
    }

    /**
     * Whether a policy made from {@code spec} evaluates every exit on the way to its arm
     * ({@link Policy#evaluatesEveryExit()}), known before the policy (and its cost model) exists.
     *
     * @throws IllegalArgumentException for a malformed spec
     */
    public static boolean evaluatesEveryExit(String spec) {
        return checkSpec(spec).equals("early-exit");
    }

    /**
     * A fresh policy.
     *
     * @throws IllegalArgumentException for an unknown spec or a {@code fixed:K} outside 1..L
     */
    public static Policy parse(String spec, EngineConfig config) {
        Objects.requireNonNull(config, "config");
        return create(checkSpec(spec), config);
    }

    /**
     * A policy that continues exactly where {@code state} was taken.
     *
     * @throws IllegalArgumentException if the state's policy or arm count does not fit {@code config}
     */
    public static Policy restore(PolicyState state, EngineConfig config) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(config, "config");
        if (state.arms() != config.arms()) {
            throw new IllegalArgumentException("state has " + state.arms() + " arms, the configuration " + config.arms());
        }
        AbstractPolicy policy = create(checkSpec(state.policy()), config);
        policy.restore(state);
        return policy;
    }

    private static AbstractPolicy create(String spec, EngineConfig config) {
        int arms = config.arms();
        switch (spec) {
            case "splitee":
                return new UcbPolicy(spec, config, false, new SampleMeanStatistics(arms));
            case "splitee-s":
                return new UcbPolicy(spec, config, true, new SampleMeanStatistics(arms));
            case "final":
                return new FixedArmPolicy(spec, config, arms);
            case "random":
                return new RandomPolicy(spec, config);
            case "early-exit":
                return new EarlyExitPolicy(spec, config);
            default:
                int arm = Integer.parseInt(spec.substring(FIXED.length()));
                if (arm > arms) {
                    throw new IllegalArgumentException("policy '" + spec + "': the arm must be in 1.." + arms);
                }
                return new FixedArmPolicy(spec, config, arm);
        }
    }
}
