package io.splitee.device.status;

import java.util.Objects;

/**
 * A snapshot of the device's status.
 *
 * @param device           the device id
 * @param state            what it is doing
 * @param policy           the policy spec, e.g. {@code splitee-s}
 * @param currentArm       the live arm of the last sample (0: the raw sample; -1 before the first)
 * @param mostPlayedArm    the live arm played most often so far (-1 before the first sample)
 * @param samples          samples taken in
 * @param answeredOnDevice samples answered from an exit on the device (fallbacks included)
 * @param offloaded        offloads sent (probes included)
 * @param overloaded       samples answered {@code overloaded}
 * @param errors           samples answered {@code error}
 * @param gatewayUp        whether the gateway is trusted (false while offloading is paused)
 */
public record Status(String device, DeviceState state, String policy, int currentArm, int mostPlayedArm, long samples,
                     long answeredOnDevice, long offloaded, long overloaded, long errors, boolean gatewayUp) {

    /** Validates. */
    public Status {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(policy, "policy");
    }
}
