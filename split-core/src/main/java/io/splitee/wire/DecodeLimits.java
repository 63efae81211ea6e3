package io.splitee.wire;

/**
 * Bounds the {@link FrameDecoder} enforces before it allocates anything sized by a frame.
 *
 * @param maxFrameBytes     longest accepted frame; keep it below the broker's maximum packet size
 *                          (minus the MQTT fixed header and properties)
 * @param maxTensorElements most elements a decoded tensor may have (also bounds inflation)
 */
public record DecodeLimits(int maxFrameBytes, int maxTensorElements) {

    /** 256 KiB frames (the largest fp32 frame of the shipped model is about 50 KB), 1 Mi elements (4 MiB as float32). */
    public static final DecodeLimits DEFAULT = new DecodeLimits(256 * 1024, 1024 * 1024);

    /** Validates. */
    public DecodeLimits {
        if (maxFrameBytes < FrameLayout.FIXED_HEADER) {
            throw new IllegalArgumentException("maxFrameBytes must be >= " + FrameLayout.FIXED_HEADER + ", got " + maxFrameBytes);
        }
        if (maxTensorElements < 1) {
            throw new IllegalArgumentException("maxTensorElements must be >= 1, got " + maxTensorElements);
        }
    }
}
