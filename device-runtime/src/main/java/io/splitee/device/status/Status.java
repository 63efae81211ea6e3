package io.splitee.device.status;

import java.util.Objects;

/**
 * A snapshot of the device's status.
 *
 * @param device    the device id
 * @param state     what it is doing
 * @param policy    the policy spec, e.g. {@code splitee-s}
 * @param arms      the arm of the last sample and the one played most
 * @param counts    what happened to samples so far
 * @param gatewayUp whether the gateway is trusted (false while offloading is paused)
 */
public record Status(String device, DeviceState state, String policy, Arms arms, Counts counts, boolean gatewayUp) {

    /**
     * Live arms (0: the raw sample was sent; -1 before the first sample).
     *
     * @param current    the arm of the last sample
     * @param mostPlayed the arm played most often so far
     */
    public record Arms(int current, int mostPlayed) {
    }

    /**
     * Counts since start.
     *
     * @param samples          samples taken in
     * @param answeredOnDevice samples answered from an exit on the device (fallbacks included)
     * @param offloaded        offloads sent (probes included)
     * @param overloaded       samples answered {@code overloaded}
     * @param errors           samples answered {@code error}
     */
    public record Counts(long samples, long answeredOnDevice, long offloaded, long overloaded, long errors) {
    }

    /** Validates. */
    public Status {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(arms, "arms");
        Objects.requireNonNull(counts, "counts");
    }

    /** The live arm of the last sample (-1 before the first). */
    public int currentArm() {
        return arms.current();
    }

    /** The live arm played most often (-1 before the first sample). */
    public int mostPlayedArm() {
        return arms.mostPlayed();
    }

    /** Samples taken in. */
    public long samples() {
        return counts.samples();
    }

    /** Samples answered from an exit on the device. */
    public long answeredOnDevice() {
        return counts.answeredOnDevice();
    }

    /** Offloads sent (probes included). */
    public long offloaded() {
        return counts.offloaded();
    }

    /** Samples answered {@code overloaded}. */
    public long overloaded() {
        return counts.overloaded();
    }

    /** Samples answered {@code error}. */
    public long errors() {
        return counts.errors();
    }

    /**
     * One line for a service manager's status, e.g. {@code serving: 1234 samples, 61% answered on device, 480
     * offloaded, gateway up} (the overloaded and error counts only when not zero).
     */
    public String summary() {
        StringBuilder b = new StringBuilder(state.jsonName()).append(": ").append(samples()).append(" samples");
        if (samples() > 0) {
            b.append(", ").append(Math.round(100.0 * answeredOnDevice() / samples())).append("% answered on device");
        }
        b.append(", ").append(offloaded()).append(" offloaded");
        if (overloaded() > 0) {
            b.append(", ").append(overloaded()).append(" overloaded");
        }
        if (errors() > 0) {
            b.append(", ").append(errors()).append(" errors");
        }
        return b.append(", gateway ").append(gatewayUp ? "up" : "down").toString();
    }
}
