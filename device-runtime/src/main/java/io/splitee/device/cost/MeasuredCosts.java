package io.splitee.device.cost;

import java.util.Objects;
import java.util.function.IntToLongFunction;

/**
 * Turns {@link CostEstimates} into reward units, and chooses what an offload carries.
 *
 * <p>Cost of arm {@code a} answered on the device: {@code wDevice · deviceMs(a)} (blocks 1..a and exit a;
 * with {@code everyExit}, for policies that evaluate every exit on the way, exits 1..a). Cost of arm {@code a}
 * offloaded: {@code wDevice · deviceMs(a) + wLink · (linkMs(bytes) + gatewayMs(first block the gateway runs))},
 * where the payload is either the features after block {@code a} (the gateway runs {@code a+1..L}) or the
 * raw sample (the gateway runs {@code 1..L}), whichever costs less, unless configuration forces one. With
 * equal weights the cost is the expected end-to-end latency times the weight: the device trades
 * milliseconds for confidence, which is what a user of an edge runtime pays for. With a power sensor
 * ({@link #withEnergy}) the device part also charges {@code wEnergy · deviceMj(a)}, the millijoules above the
 * idle power spent on those blocks and exits, and an offload {@code wEnergy · linkMjPerByte · bytes}, the radio's
 * energy for its payload (0 on the live device, which measures compute only; a replay's cost profile may
 * give it). This class is the one place where milliseconds and millijoules are combined: the daemon and
 * {@code simulate} both price with it.
 *
 * <p>The engine's arms stay the paper's (how deep the device computes); the payload is a decision below
 * the arm, made afresh for every offload from the current estimates, so it follows a changing link at
 * once while the engine learns which depth pays.
 */
public final class MeasuredCosts {
    /** What an offload carries. */
    public enum Payload { FEATURES, RAW }

    /** Which payloads the device may choose from. */
    public enum PayloadRule { AUTO, FEATURES, RAW }

    /**
     * The cheapest way to offload after arm {@code a}.
     *
     * @param payload what is sent
     * @param bytes   bytes on the wire
     * @param cost    the total cost of the arm in reward units (device part included)
     * @param linkMs  the link part in ms (round trip + transfer)
     * @param gatewayMs the gateway part in ms
     */
    public record OffloadPlan(Payload payload, long bytes, double cost, double linkMs, double gatewayMs) {
    }

    /**
     * Bytes on the wire of what an offload can carry, for the configured encoding.
     *
     * @param features bytes of the features after block {@code a}
     * @param raw      bytes of the raw sample, &gt; 0
     */
    public record PayloadBytes(IntToLongFunction features, long raw) {
        /** Validates. */
        public PayloadBytes {
            Objects.requireNonNull(features, "featureBytes");
            if (raw <= 0) {
                throw new IllegalArgumentException("rawBytes: " + raw + " must be > 0");
            }
        }
    }

    private final CostEstimates estimates;
    private final double perDeviceMs;
    private final double perLinkMs;
    private final PayloadRule rule;
    private final PayloadBytes bytes;
    private final boolean everyExit;
    private EnergyEstimates energy;
    private double perMillijoule;
    private double linkMjPerByte;

    /**
     * @param estimates    the measurements
     * @param perDeviceMs  reward units per ms of device compute
     * @param perLinkMs    reward units per ms of link and gateway time
     * @param rule         auto, or a forced payload
     * @param bytes        bytes on the wire of the features after each block and of the raw sample
     * @param everyExit    whether the device evaluates every exit on the way to the arm
     *                     (the early-exit baseline), so each arm is charged for them
     */
    public MeasuredCosts(CostEstimates estimates, double perDeviceMs, double perLinkMs, PayloadRule rule,
                         PayloadBytes bytes, boolean everyExit) {
        this.estimates = Objects.requireNonNull(estimates, "estimates");
        if (!(perDeviceMs >= 0) || !(perLinkMs >= 0)) {
            throw new IllegalArgumentException("weights must be ≥ 0: device " + perDeviceMs + ", link " + perLinkMs);
        }
        this.perDeviceMs = perDeviceMs;
        this.perLinkMs = perLinkMs;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.everyExit = everyExit;
    }

    /**
     * Also charges device energy: {@code perMillijoule} reward units per mJ above the idle power that the device
     * spends on an arm's blocks and exits ({@code cost.weight.millijoule}, measured by a power sensor). Call
     * before the costs are first read.
     *
     * @return this
     */
    public MeasuredCosts withEnergy(EnergyEstimates estimates, double perMillijoule) {
        return withEnergy(estimates, perMillijoule, 0);
    }

    /**
     * Also charges device energy ({@link #withEnergy(EnergyEstimates, double)}) and the radio's energy of an
     * offload's payload, {@code linkMjPerByte} mJ per byte on the wire, at the same {@code perMillijoule}.
     *
     * @return this
     */
    public MeasuredCosts withEnergy(EnergyEstimates estimates, double perMillijoule, double linkMjPerByte) {
        if (!(perMillijoule >= 0) || Double.isInfinite(perMillijoule)) {
            throw new IllegalArgumentException("cost.weight.millijoule: " + perMillijoule + " must be a finite number ≥ 0");
        }
        if (!(linkMjPerByte >= 0) || Double.isInfinite(linkMjPerByte)) {
            throw new IllegalArgumentException("linkMjPerByte: " + linkMjPerByte + " must be a finite number ≥ 0");
        }
        this.energy = java.util.Objects.requireNonNull(estimates, "energy");
        this.perMillijoule = perMillijoule;
        this.linkMjPerByte = linkMjPerByte;
        return this;
    }

    /** Cost of arm {@code a} when the sample is answered on the device. */
    public double onDevice(int arm) {
        return onDevice(arm, CostEstimates.Estimate.SMOOTHED);
    }

    /**
     * {@link #onDevice(int)} from the given view of the estimates: {@link CostEstimates.Estimate#STEADY} is what a
     * learner prices its arms with (the energy part, when there is one, is the same in both).
     */
    public double onDevice(int arm, CostEstimates.Estimate view) {
        double cost = perDeviceMs * estimates.deviceMs(arm, everyExit, view);
        return energy == null ? cost : cost + perMillijoule * deviceMj(arm);
    }

    /** Device energy of arm {@code a} in mJ above idle, exit heads as configured; 0 without a power sensor. */
    public double deviceMj(int arm) {
        return energy == null ? 0 : energy.deviceMj(arm, everyExit);
    }

    /** The radio's energy of {@code bytes} on the wire in mJ; 0 without energy figures. */
    public double linkMj(long bytes) {
        return energy == null ? 0 : linkMjPerByte * bytes;
    }

    /** Whether each arm is charged for every exit head on the way. */
    public boolean everyExit() {
        return everyExit;
    }

    /** Device compute of arm {@code a} in ms, exit heads as configured. */
    public double deviceMs(int arm) {
        return estimates.deviceMs(arm, everyExit);
    }

    /** The cheapest offload after arm {@code a} (arm 0: the raw sample, nothing computed on the device). */
    public OffloadPlan offload(int arm) {
        return offload(arm, CostEstimates.Estimate.SMOOTHED);
    }

    /** {@link #offload(int)} from the given view of the estimates (see {@link #onDevice(int, CostEstimates.Estimate)}). */
    public OffloadPlan offload(int arm, CostEstimates.Estimate view) {
        double device = onDevice(arm, view);
        OffloadPlan raw = plan(Payload.RAW, bytes.raw(), 1, device, view);
        if (arm == 0 || rule == PayloadRule.RAW) {
            return raw;
        }
        OffloadPlan features = plan(Payload.FEATURES, bytes.features().applyAsLong(arm), arm + 1, device, view);
        if (rule == PayloadRule.FEATURES) {
            return features;
        }
        return raw.cost() < features.cost() ? raw : features;
    }

    private OffloadPlan plan(Payload p, long bytes, int fromBlock, double device, CostEstimates.Estimate view) {
        double link = estimates.linkMs(bytes, view);
        double gw = estimates.gatewayMs(fromBlock, view);
        double cost = device + perLinkMs * (link + gw);
        return new OffloadPlan(p, bytes, energy == null ? cost : cost + perMillijoule * linkMj(bytes), link, gw);
    }
}
