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
     * @param adaptations     per measured-mode change ({@link #withChanges}), how the policy followed it
     *                        (as {@link ScheduledReplay}); empty without changes
     */
    public record Result(ReplayResult replay, double meanLatencyMs, long featurePayloads, long rawPayloads,
                         OptionalDouble meanMillijoules, List<ScheduledReplay.Adaptation> adaptations) {

        /** A result without changes. */
        public Result(ReplayResult replay, double meanLatencyMs, long featurePayloads, long rawPayloads,
                      OptionalDouble meanMillijoules) {
            this(replay, meanLatencyMs, featurePayloads, rawPayloads, meanMillijoules, List.of());
        }

        /** Validates. */
        public Result {
            Objects.requireNonNull(replay, "replay");
            Objects.requireNonNull(meanMillijoules, "meanMillijoules");
            adaptations = List.copyOf(adaptations);
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
    /** Measured-mode changes: the replay of each piece (this one first) and the 0-based sample it starts at. */
    private final MeasuredReplay[] pieces;
    private final int[] starts;
    /** The piece in force at the sample being replayed (the cost model prices with its costs). */
    private int current;

    private MeasuredReplay(CostEstimates estimates, EnergyEstimates energy, MeasuredCosts costs) {
        this(estimates, energy, costs, null, null);
    }

    private MeasuredReplay(CostEstimates estimates, EnergyEstimates energy, MeasuredCosts costs, MeasuredReplay[] pieces,
                           int[] starts) {
        this.estimates = estimates;
        this.energy = energy;
        this.costs = costs;
        this.pieces = pieces == null ? new MeasuredReplay[] {this} : pieces;
        this.starts = starts == null ? new int[] {0} : starts;
        if (pieces == null) {
            this.costModel = (arm, offloaded) -> offloaded ? costs.offload(arm).cost() : costs.onDevice(arm);
        } else {
            this.costModel = (arm, offloaded) -> {
                MeasuredCosts c = this.pieces[current].costs;
                return offloaded ? c.offload(arm).cost() : c.onDevice(arm);
            };
        }
    }

    /**
     * A replay whose link or board slowdown changes at given samples: from each change on, the costs are
     * those {@link #of} builds with the link and slowdown then in force (the profile, encoding, payload rule
     * and weights stay), so the policy's rewards are the prices of the moment, and {@link #run} reports how
     * the policy followed each change. The first piece is made with {@code link} and {@code boardSlowdown}.
     *
     * @throws IllegalArgumentException naming a bad value (a link {@code --link} would reject, a slowdown
     *                                  that is not a finite number &gt; 0)
     */
    public static MeasuredReplay withChanges(CostProfile profile, LinkProfile link, double boardSlowdown,
                                             String encoding, MeasuredCosts.PayloadRule rule, double perDeviceMs,
                                             double perLinkMs, double perMillijoule, boolean everyExit,
                                             List<Schedule.MeasuredChange> changes) {
        MeasuredReplay first = of(profile, link, boardSlowdown, encoding, rule, perDeviceMs, perLinkMs, perMillijoule,
                everyExit);
        if (changes.isEmpty()) {
            return first;
        }
        List<Schedule.MeasuredChange> sorted = new java.util.ArrayList<>(changes);
        sorted.sort((a, b) -> Integer.compare(a.at(), b.at()));
        MeasuredReplay[] pieces = new MeasuredReplay[sorted.size() + 1];
        int[] starts = new int[sorted.size() + 1];
        pieces[0] = first;
        LinkProfile l = link;
        double f = boardSlowdown;
        for (int i = 0; i < sorted.size(); i++) {
            Schedule.MeasuredChange c = sorted.get(i);
            if (c.key().equals("link")) {
                try {
                    l = LinkProfile.parse(c.value());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("link@" + c.at() + ": " + e.getMessage());
                }
            } else {
                try {
                    f = Double.parseDouble(c.value());
                } catch (NumberFormatException e) {
                    f = Double.NaN;
                }
                if (!(f > 0) || Double.isInfinite(f)) {
                    throw new IllegalArgumentException("board-slowdown@" + c.at() + " must be a finite number > 0, got '"
                            + c.value() + "'");
                }
            }
            pieces[i + 1] = of(profile, l, f, encoding, rule, perDeviceMs, perLinkMs, perMillijoule, everyExit);
            starts[i + 1] = c.at();
        }
        return new MeasuredReplay(first.estimates, first.energy, first.costs, pieces, starts);
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
        int k = pieces.length;
        double[][] latency = new double[k][2 * (l + 1)];
        double[][] mj = new double[k][2 * (l + 1)];
        MeasuredCosts.Payload[][] payload = new MeasuredCosts.Payload[k][l + 1];
        double[][] sideExitMs = new double[k][l + 1];
        double[][] sideExitMj = new double[k][l + 1];
        for (int p = 0; p < k; p++) {
            MeasuredReplay piece = pieces[p];
            for (int a = 1; a <= l; a++) {
                latency[p][2 * a] = piece.latencyMs(a, false);
                latency[p][2 * a + 1] = piece.latencyMs(a, true);
                mj[p][2 * a] = piece.millijoules(a, false);
                mj[p][2 * a + 1] = piece.millijoules(a, true);
                payload[p][a] = piece.costs.offload(a).payload();
            }
            // exits evaluated on the way (SplitEE-S side observations) cost their exit head; a policy whose
            // costs already charge every exit (early-exit) pays nothing extra here
            for (int j = 1; j <= l && !costs.everyExit(); j++) {
                sideExitMs[p][j] = piece.estimates.exitMs(j);
                sideExitMj[p][j] = piece.energy == null ? 0 : piece.energy.exitMj(j);
            }
        }
        for (int p = 1; p < k; p++) {
            if (starts[p] >= trace.samples()) {
                throw new IllegalArgumentException("a change at sample " + starts[p] + " is past the end of trace "
                        + trace.name() + " (" + trace.samples() + " samples)");
            }
        }
        double[] total = new double[1];
        double[] energyTotal = new double[1];
        long[] counts = new long[2];
        int[] arms = new int[trace.samples()];
        current = 0;
        ReplayResult r = Replay.run(trace, policy, config, checkpoints, (s, arm, off, seen) -> {
            int p = current;
            arms[s] = arm;
            total[0] += latency[p][2 * arm + (off ? 1 : 0)];
            energyTotal[0] += mj[p][2 * arm + (off ? 1 : 0)];
            for (int j = 1; j < arm; j++) {
                if (seen.observed(j)) {
                    total[0] += sideExitMs[p][j];
                    energyTotal[0] += sideExitMj[p][j];
                }
            }
            if (off) {
                counts[payload[p][arm] == MeasuredCosts.Payload.FEATURES ? 0 : 1]++;
            }
        }, this::at);
        List<ScheduledReplay.Adaptation> adaptations = new java.util.ArrayList<>();
        for (int p = 1; p < k; p++) {
            int to = p + 1 < k ? starts[p + 1] : trace.samples();
            int best = bestArm(trace, config, starts[p], to);
            adaptations.add(new ScheduledReplay.Adaptation(starts[p], best,
                    ScheduledReplay.adaptation(arms, best, starts[p], to)));
        }
        current = 0;
        return new Result(r, total[0] / trace.samples(), counts[0], counts[1],
                energy == null ? OptionalDouble.empty() : OptionalDouble.of(energyTotal[0] / trace.samples()),
                adaptations);
    }

    /** Switches the cost model to the piece in force at 0-based sample {@code s}. */
    private void at(int s) {
        int p = 0;
        while (p + 1 < starts.length && starts[p + 1] <= s) {
            p++;
        }
        current = p;
    }

    /** The best fixed arm over samples {@code from..to-1} at the prices of each sample. */
    private int bestArm(Trace trace, EngineConfig config, int from, int to) {
        int l = trace.exits();
        return ScheduledReplay.bestFixedArm(l, config, from, to, s -> {
            at(s);
            return new io.splitee.engine.Outcome(l, false, trace.confidences(s));
        });
    }
}
