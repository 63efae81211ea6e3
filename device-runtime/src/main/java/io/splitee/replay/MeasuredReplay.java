package io.splitee.replay;

import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.EnergyEstimates;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.Characteristic;
import io.splitee.engine.CostModel;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Policies;
import io.splitee.engine.Policy;
import io.splitee.linkproxy.LinkProfile;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Replay with measured costs: the live device's cost model ({@link MeasuredCosts} over
 * {@link CostEstimates}) preloaded from a {@link CostProfile}, so that the replay prices arms and
 * chooses payloads exactly as the daemon would with those estimates. The estimates stay fixed during
 * the replay (the profile is the measurement). The engine's arms stay the paper's: arm a computes
 * blocks 1..a and exit a on the device; when it offloads, the payload (features after block a or the
 * raw sample) is chosen by {@link MeasuredCosts#offload(int)}.
 *
 * <p>Latency of a sample: device compute of its arm, plus link and gateway time when offloaded, plus
 * the exit heads the policy evaluated on the way (SplitEE-S side observations). The engine's cost
 * model prices an arm without those side exits: they buy information, not an answer.
 */
public final class MeasuredReplay {

    /**
     * A replay's result with the measured-cost figures.
     *
     * @param replay          cost, offloads, accuracy and regret, as for paper mode
     * @param meanLatencyMs   mean end-to-end latency per sample, ms
     * @param featurePayloads offloads that carried the features
     * @param rawPayloads     offloads that carried the raw sample
     * @param meanMillijoules mean energy per sample above idle, mJ (device blocks and exits of the played
     *                        arm, exits evaluated on the way, the radio for an offload's payload); empty
     *                        when the profile has no energy figures
     */
    public record Result(ReplayResult replay, double meanLatencyMs, long featurePayloads, long rawPayloads,
                         OptionalDouble meanMillijoules) {
        /** Validates. */
        public Result {
            Objects.requireNonNull(replay, "replay");
            Objects.requireNonNull(meanMillijoules, "meanMillijoules");
            if (featurePayloads + rawPayloads != replay.offloaded()) {
                throw new IllegalArgumentException("payload counts " + featurePayloads + " + " + rawPayloads
                        + " do not add up to " + replay.offloaded() + " offloads");
            }
        }
    }

    private final CostEstimates estimates;
    private final EnergyEstimates energy; // null: the profile has no energy figures
    private final MeasuredCosts costs;
    private final CostModel costModel;

    private MeasuredReplay(CostEstimates estimates, EnergyEstimates energy, MeasuredCosts costs) {
        this.estimates = estimates;
        this.energy = energy;
        this.costs = costs;
        this.costModel = (arm, offloaded) -> offloaded ? costs.offload(arm).cost() : costs.onDevice(arm);
    }

    /**
     * Builds the live cost model from a profile.
     *
     * @param profile       the measurements
     * @param link          the link (bandwidth, round trip)
     * @param boardSlowdown device compute times are multiplied by this (&gt; 0; 1 = the profiled machine)
     * @param encoding      the wire encoding, a key of the profile's {@code wire} section (e.g. {@code fp16})
     * @param rule          auto, or a forced payload
     * @param perDeviceMs   reward units per ms of device compute (≥ 0)
     * @param perLinkMs     reward units per ms of link and gateway time (≥ 0)
     * @param everyExit     whether the policy to replay evaluates every exit on the way to its arm
     *                      ({@link Characteristic#EVALUATES_EVERY_EXIT}): its arms are charged for those exit heads
     * @throws IllegalArgumentException naming the bad argument
     */
    public static MeasuredReplay of(CostProfile profile, LinkProfile link, double boardSlowdown, String encoding,
                                    MeasuredCosts.PayloadRule rule, double perDeviceMs, double perLinkMs,
                                    boolean everyExit) {
        return of(profile, link, boardSlowdown, encoding, rule, perDeviceMs, perLinkMs, 0, everyExit);
    }

    /**
     * Builds the live cost model from a profile, energy priced as the daemon prices it
     * ({@link MeasuredCosts#withEnergy(EnergyEstimates, double, double)}): device millijoules of the
     * profile's {@code energy} section (× {@code boardSlowdown}, as the times) and the radio's millijoules
     * per byte of an offload's payload, at {@code perMillijoule} reward units per mJ
     * ({@code cost.weight.millijoule}).
     *
     * @param perMillijoule reward units per mJ (≥ 0); above 0 the profile must have energy figures
     * @throws IllegalArgumentException naming the bad argument, or a weight above 0 with a profile
     *                                  without energy figures
     */
    public static MeasuredReplay of(CostProfile profile, LinkProfile link, double boardSlowdown, String encoding,
                                    MeasuredCosts.PayloadRule rule, double perDeviceMs, double perLinkMs,
                                    double perMillijoule, boolean everyExit) {
        Objects.requireNonNull(profile, "profile");
        if (!(perMillijoule >= 0) || Double.isInfinite(perMillijoule)) {
            throw new IllegalArgumentException("cost.weight.millijoule: " + perMillijoule + " must be a finite number ≥ 0");
        }
        if (perMillijoule > 0 && profile.energy().isEmpty()) {
            throw new IllegalArgumentException("cost.weight.millijoule: " + perMillijoule + " prices energy, but cost "
                    + "profile " + profile.source() + " has no energy section (docs/payload.md); give 0 or add one");
        }
        CostProfile.Wire wire = profile.wire(encoding);
        CostEstimates e = profile.estimates(link, boardSlowdown);
        long[] featureBytes = wire.featureBytes();
        MeasuredCosts m = new MeasuredCosts(e, perDeviceMs, perLinkMs, rule,
                new MeasuredCosts.PayloadBytes(a -> featureBytes[a - 1], wire.rawBytes()), everyExit);
        EnergyEstimates energy = null;
        if (profile.energy().isPresent()) {
            energy = profile.energyEstimates(boardSlowdown);
            m.withEnergy(energy, perMillijoule, profile.energy().get().linkMjPerByte());
        }
        return new MeasuredReplay(e, energy, m);
    }

    /** The cost model to build the {@link EngineConfig} with. */
    public CostModel costModel() {
        return costModel;
    }

    /** The live cost model this replay uses (payload choice included). */
    public MeasuredCosts costs() {
        return costs;
    }

    /** Expected end-to-end latency of a sample played at {@code arm}, ms. */
    public double latencyMs(int arm, boolean offloaded) {
        double device = costs.deviceMs(arm);
        if (!offloaded) {
            return device;
        }
        MeasuredCosts.OffloadPlan p = costs.offload(arm);
        return device + p.linkMs() + p.gatewayMs();
    }

    /**
     * Expected energy of a sample played at {@code arm} above idle, mJ: the device's blocks and exits, and
     * when offloaded the radio's for the chosen payload; 0 without energy figures.
     */
    public double millijoules(int arm, boolean offloaded) {
        double device = costs.deviceMj(arm);
        return offloaded ? device + costs.linkMj(costs.offload(arm).bytes()) : device;
    }

    /** Latency of sending every raw sample to the gateway (nothing computed on the device), ms. */
    public double rawOnlyLatencyMs() {
        MeasuredCosts.OffloadPlan p = costs.offload(0);
        return p.linkMs() + p.gatewayMs();
    }

    /**
     * Replays {@code policy} over {@code trace}.
     *
     * @param config made with {@link #costModel()} (checked)
     * @throws IllegalArgumentException if the config has another cost model or the shapes disagree
     */
    public Result run(Trace trace, Policy policy, EngineConfig config, List<Integer> checkpoints) {
        if (config.costModel() != costModel) {
            throw new IllegalArgumentException("config: its cost model is not this replay's costModel()");
        }
        boolean everyExit = policy.characteristics().contains(Characteristic.EVALUATES_EVERY_EXIT);
        if (everyExit != costs.everyExit()) {
            throw new IllegalArgumentException("policy " + policy.spec() + (everyExit
                    ? " evaluates every exit" : " evaluates only its arm's exit") + " but this replay's costs charge "
                    + (costs.everyExit() ? "every exit" : "only the arm's exit") + " (MeasuredReplay.of(..., everyExit))");
        }
        if (estimates.blocks() != trace.exits()) {
            throw new IllegalArgumentException("the profile has " + estimates.blocks() + " blocks but trace "
                    + trace.name() + " has " + trace.exits() + " exits");
        }
        int l = trace.exits();
        double[] latency = new double[2 * (l + 1)];
        double[] mj = new double[2 * (l + 1)];
        MeasuredCosts.Payload[] payload = new MeasuredCosts.Payload[l + 1];
        for (int a = 1; a <= l; a++) {
            latency[2 * a] = latencyMs(a, false);
            latency[2 * a + 1] = latencyMs(a, true);
            mj[2 * a] = millijoules(a, false);
            mj[2 * a + 1] = millijoules(a, true);
            payload[a] = costs.offload(a).payload();
        }
        double[] total = new double[1];
        double[] energyTotal = new double[1];
        long[] counts = new long[2];
        // exits evaluated on the way (SplitEE-S side observations) cost their exit head; a policy whose
        // costs already charge every exit (early-exit) pays nothing extra here
        double[] sideExitMs = new double[l + 1];
        double[] sideExitMj = new double[l + 1];
        for (int j = 1; j <= l && !costs.everyExit(); j++) {
            sideExitMs[j] = estimates.exitMs(j);
            sideExitMj[j] = energy == null ? 0 : energy.exitMj(j);
        }
        ReplayResult r = Replay.run(trace, policy, config, checkpoints, (s, arm, off, seen) -> {
            total[0] += latency[2 * arm + (off ? 1 : 0)];
            energyTotal[0] += mj[2 * arm + (off ? 1 : 0)];
            for (int j = 1; j < arm; j++) {
                if (seen.observed(j)) {
                    total[0] += sideExitMs[j];
                    energyTotal[0] += sideExitMj[j];
                }
            }
            if (off) {
                counts[payload[arm] == MeasuredCosts.Payload.FEATURES ? 0 : 1]++;
            }
        });
        return new Result(r, total[0] / trace.samples(), counts[0], counts[1],
                energy == null ? OptionalDouble.empty() : OptionalDouble.of(energyTotal[0] / trace.samples()));
    }
}
