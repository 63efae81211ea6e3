package io.splitee.engine;

import java.util.List;
import java.util.Objects;

/**
 * Creates and restores {@link Policy} objects from a spec string.
 *
 * <p>Specs: {@code splitee} (UCB over split points), {@code splitee-s} (SplitEE with side
 * observations as a device sees them), {@code splitee-s-paper} (the published SplitEE-S), each
 * optionally with parameters ({@code :discount=γ}, {@code :window=τ}, {@code :init=authors}, {@code :detect=ph},
 * {@code :refocus=f}; see
 * {@link PolicySpec}), {@code final} (always arm L), {@code fixed:K} (always arm K, 1 ≤ K ≤ L),
 * {@code random} (uniform, seeded by {@link EngineConfig#seed()}), {@code early-exit} (the
 * on-device early-exit baseline).
 */
public final class Policies {

    /** The accepted specs, for messages and help ({@code K} stands for an arm number). */
    public static final List<String> SPECS = PolicySpec.SPECS;

    private Policies() {
    }

    /**
     * Checks a spec's syntax without a configuration ({@code fixed:K} is range-checked against L
     * by {@link #parse}); the same as {@link PolicySpec#parse}.
     *
     * @return the canonical spec
     * @throws IllegalArgumentException naming the problem
     */
    public static String checkSpec(String spec) {
        return PolicySpec.parse(spec).toString();
    }

    /**
     * A fresh policy.
     *
     * @throws IllegalArgumentException for an unknown spec or a {@code fixed:K} outside 1..L
     */
    public static Policy parse(String spec, EngineConfig config) {
        Objects.requireNonNull(config, "config");
        return create(PolicySpec.parse(spec), config);
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
        AbstractPolicy policy = create(PolicySpec.parse(state.policy()), config);
        policy.restore(state);
        return policy;
    }

    private static ArmStatistics statistics(PolicySpec spec, int arms, boolean drifts) {
        if (spec.detects()) {
            PolicySpec plain = spec.withRefocus(0, 0).withDetector(0, 0);
            return new DetectingStatistics(() -> statistics(plain, arms, drifts), spec.detectDelta(),
                    spec.detectThreshold(), drifts);
        }
        if (spec.discount() != 0) {
            return new DiscountedStatistics(arms, spec.discount());
        }
        return spec.window() != 0 ? new WindowStatistics(arms, spec.window()) : new SampleMeanStatistics(arms);
    }

    private static AbstractPolicy create(PolicySpec parsed, EngineConfig config) {
        int arms = config.arms();
        String spec = parsed.checkArms(arms).toString();
        return switch (parsed.kind()) {
            case SPLITEE, SPLITEE_S, SPLITEE_S_PAPER -> new UcbPolicy(spec, config,
                    statistics(parsed, arms, config.costModel().drifts()));
            case FINAL -> new FixedArmPolicy(spec, config, arms);
            case RANDOM -> new RandomPolicy(spec, config);
            case EARLY_EXIT -> new EarlyExitPolicy(spec, config);
            case FIXED -> new FixedArmPolicy(spec, config, parsed.fixedArm());
        };
    }
}
