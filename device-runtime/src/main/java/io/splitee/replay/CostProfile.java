package io.splitee.replay;

import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.EnergyEstimates;
import io.splitee.linkproxy.LinkProfile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Measured costs of one model on one machine, for replaying with measured costs: device compute per
 * block and per exit (1 intra-op thread), gateway compute per block (batch 1), bytes on the wire of the
 * raw sample and of the features after each block per encoding, optionally a link, and optionally
 * energy (device millijoules per block and exit, the radio's millijoules per byte).
 *
 * <p>File format ({@link #read}, {@link #write}): JSON, see docs/payload.md. Arrays are indexed by block − 1.
 *
 * @param source  the file (or a name for a profile built in code)
 * @param device  device compute per block and per exit head (1 intra-op thread)
 * @param gateway gateway compute per block and of the final exit head (batch 1)
 * @param wire    per encoding name ({@code fp32}, {@code fp16+deflate}, ...): frame bytes
 * @param link    the link to assume when none is given on the command line
 * @param energy  energy figures; absent in profiles written before they existed (such a profile replays
 *                with {@code cost.weight.millijoule} 0 only)
 */
public record CostProfile(String source, Device device, Gateway gateway, Map<String, Wire> wire,
                          Optional<LinkProfile> link, Optional<Energy> energy) {

    /**
     * Energy above the idle power, as the live device's {@code EnergyEstimates} hold it, and the radio's
     * energy per byte an offload puts on the wire.
     *
     * @param blockMj       device energy of block i+1, mJ, each ≥ 0
     * @param exitMj        device energy of exit head i+1, mJ, each ≥ 0
     * @param linkMjPerByte radio energy per byte of an offload's frame, mJ, ≥ 0
     * @param estimated     true while the figures are derived from published power figures rather than
     *                      measured on the board
     * @param source        where the figures come from (citations with URLs, or the board that measured them)
     */
    public record Energy(double[] blockMj, double[] exitMj, double linkMjPerByte, boolean estimated, String source) {
        /** Validates (messages name the field) and copies. */
        public Energy {
            blockMj = checked("energy.block_mj", blockMj, blockMj.length);
            exitMj = checked("energy.exit_mj", exitMj, blockMj.length);
            if (!(linkMjPerByte >= 0) || Double.isInfinite(linkMjPerByte)) {
                throw new IllegalArgumentException("energy.link_mj_per_byte: " + linkMjPerByte
                        + " must be a finite number ≥ 0");
            }
            Objects.requireNonNull(source, "energy.source");
        }

        /**
         * Estimated figures from a board's published power: each block and exit head costs
         * {@code (loadW − idleW) · ms} millijoules (W · ms = mJ) at the profile's compute time.
         *
         * @param idleW  the board's power when idle, W
         * @param loadW  the board's power under load, W, ≥ {@code idleW}
         * @param device the profile's compute times
         */
        public static Energy estimated(double idleW, double loadW, Device device, double linkMjPerByte,
                                       String source) {
            if (!(idleW >= 0) || !(loadW >= idleW) || Double.isInfinite(loadW)) {
                throw new IllegalArgumentException("energy: load " + loadW + " W must be finite and ≥ idle "
                        + idleW + " W ≥ 0");
            }
            double w = loadW - idleW;
            double[] block = device.blockMs;
            double[] exit = device.exitMs;
            double[] blockMj = new double[block.length];
            double[] exitMj = new double[exit.length];
            for (int i = 0; i < block.length; i++) {
                blockMj[i] = w * block[i];
                exitMj[i] = w * exit[i];
            }
            return new Energy(blockMj, exitMj, linkMjPerByte, true, source);
        }

        /** Device energy per block, mJ (a copy). */
        @Override
        public double[] blockMj() {
            return blockMj.clone();
        }

        /** Device energy per exit head, mJ (a copy). */
        @Override
        public double[] exitMj() {
            return exitMj.clone();
        }
    }

    /**
     * Device compute, at least one block.
     *
     * @param blockMs device compute of block i+1, ms, each ≥ 0
     * @param exitMs  device compute of exit head i+1, ms, each ≥ 0
     */
    public record Device(double[] blockMs, double[] exitMs) {
        /** Validates (messages name the field) and copies. */
        public Device {
            if (blockMs.length < 1) {
                throw new IllegalArgumentException("device.block_ms: needs at least one block");
            }
            blockMs = checked("device.block_ms", blockMs, blockMs.length);
            exitMs = checked("device.exit_ms", exitMs, blockMs.length);
        }

        /** Device compute per block, ms (a copy). */
        @Override
        public double[] blockMs() {
            return blockMs.clone();
        }

        /** Device compute per exit head, ms (a copy). */
        @Override
        public double[] exitMs() {
            return exitMs.clone();
        }
    }

    /**
     * Gateway compute at batch 1.
     *
     * @param blockMs gateway compute of block i+1, ms, each ≥ 0
     * @param exitMs  gateway compute of the final exit head, ms, ≥ 0
     */
    public record Gateway(double[] blockMs, double exitMs) {
        /** Validates (messages name the field) and copies. */
        public Gateway {
            blockMs = checked("gateway.block_ms", blockMs, blockMs.length);
            if (!(exitMs >= 0) || Double.isInfinite(exitMs)) {
                throw new IllegalArgumentException("gateway.exit_ms: " + exitMs + " must be a finite number ≥ 0");
            }
        }

        /** Gateway compute per block, ms (a copy). */
        @Override
        public double[] blockMs() {
            return blockMs.clone();
        }
    }

    /**
     * Bytes on the wire of whole frames (header included) for one encoding.
     *
     * @param rawBytes     the raw sample as a frame
     * @param featureBytes the features after block i+1 as a frame
     */
    public record Wire(long rawBytes, long[] featureBytes) {
        /** Validates and copies. */
        public Wire {
            if (rawBytes <= 0) {
                throw new IllegalArgumentException("raw: " + rawBytes + " must be > 0");
            }
            featureBytes = featureBytes.clone();
            for (int i = 0; i < featureBytes.length; i++) {
                if (featureBytes[i] <= 0) {
                    throw new IllegalArgumentException("features[" + i + "]: " + featureBytes[i] + " must be > 0");
                }
            }
        }

        /** Frame bytes of the features after block i+1 (a copy). */
        @Override
        public long[] featureBytes() {
            return featureBytes.clone();
        }
    }

    /** Validates every field (messages name it) and copies the arrays. */
    public CostProfile {
        Objects.requireNonNull(source, "source");
        int l = device.blockMs.length;
        if (gateway.blockMs.length != l) {
            throw new IllegalArgumentException("gateway.block_ms: has " + gateway.blockMs.length + " entries, expected " + l);
        }
        if (wire.isEmpty()) {
            throw new IllegalArgumentException("wire: needs at least one encoding");
        }
        for (Map.Entry<String, Wire> e : wire.entrySet()) {
            if (e.getValue().featureBytes().length != l) {
                throw new IllegalArgumentException("wire." + e.getKey() + ".features: has " + e.getValue().featureBytes().length
                        + " entries, expected " + l);
            }
        }
        wire = java.util.Collections.unmodifiableMap(new TreeMap<>(wire));
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(energy, "energy");
        if (energy.isPresent() && energy.get().blockMj.length != l) {
            throw new IllegalArgumentException("energy.block_mj: has " + energy.get().blockMj.length
                    + " entries, expected " + l);
        }
    }

    /** This profile without energy figures, as profiles were before they had them. */
    public CostProfile withoutEnergy() {
        return new CostProfile(source, device, gateway, wire, link, Optional.empty());
    }

    /** This profile with {@code value} as its energy figures. */
    public CostProfile withEnergy(Energy value) {
        return new CostProfile(source, device, gateway, wire, link, Optional.of(value));
    }

    private static double[] checked(String field, double[] v, int l) {
        if (v.length != l) {
            throw new IllegalArgumentException(field + ": has " + v.length + " entries, expected " + l);
        }
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0) || Double.isInfinite(v[i])) {
                throw new IllegalArgumentException(field + "[" + i + "]: " + v[i] + " must be a finite number ≥ 0");
            }
        }
        return v.clone();
    }

    /**
     * Reads and validates a profile file.
     *
     * @throws ProfileException naming the file and the first bad field
     */
    public static CostProfile read(Path file) throws ProfileException {
        return ProfileReader.read(file);
    }

    /**
     * Writes this profile as JSON ({@link #read} reads it back equal; the informational fields
     * {@code model}, {@code machine}, {@code method} are not kept by the record and not written).
     *
     * @throws java.io.IOException when the file cannot be written
     */
    public void write(Path file) throws java.io.IOException {
        ProfileReader.write(this, file);
    }

    /** The number of blocks L. */
    public int blocks() {
        return device.blockMs.length;
    }

    /**
     * The frame sizes of an encoding.
     *
     * @throws IllegalArgumentException naming the encodings the profile has
     */
    public Wire wire(String encoding) {
        Wire w = wire.get(encoding);
        if (w == null) {
            throw new IllegalArgumentException("encoding '" + encoding + "' is not in the profile (it has "
                    + String.join(", ", wire.keySet()) + ")");
        }
        return w;
    }

    /**
     * Live energy estimates preloaded with this profile's energy figures, as if each value had been
     * measured once: device block and exit energy multiplied by {@code boardSlowdown} (the same power for
     * that many times longer).
     *
     * @throws IllegalArgumentException when the profile has no energy figures
     */
    public EnergyEstimates energyEstimates(double boardSlowdown) {
        if (!(boardSlowdown > 0) || Double.isInfinite(boardSlowdown)) {
            throw new IllegalArgumentException("boardSlowdown: " + boardSlowdown + " must be a finite number > 0");
        }
        Energy e = energy.orElseThrow(() -> new IllegalArgumentException("cost profile " + source
                + " has no energy section"));
        double[] block = e.blockMj();
        double[] exit = e.exitMj();
        for (int i = 0; i < block.length; i++) {
            block[i] *= boardSlowdown;
            exit[i] *= boardSlowdown;
        }
        return EnergyEstimates.of(block, exit);
    }

    /**
     * Live cost estimates preloaded with this profile, as if each value had been measured once: device
     * block and exit times multiplied by {@code boardSlowdown}, gateway times from each first block,
     * and the link's round trip and throughput ({@code bitsPerSecond} 0 = unlimited).
     *
     * @param link          the link to assume
     * @param boardSlowdown how many times slower the device computes than the profiled machine, &gt; 0
     */
    public CostEstimates estimates(LinkProfile link, double boardSlowdown) {
        Objects.requireNonNull(link, "link");
        if (!(boardSlowdown > 0) || Double.isInfinite(boardSlowdown)) {
            throw new IllegalArgumentException("boardSlowdown: " + boardSlowdown + " must be a finite number > 0");
        }
        int l = blocks();
        double[] block = new double[l + 1];
        double[] exit = new double[l + 1];
        double[] gateway = new double[l + 2];
        block[0] = -1;
        exit[0] = -1;
        gateway[0] = -1;
        for (int i = 1; i <= l; i++) {
            block[i] = device.blockMs[i - 1] * boardSlowdown;
            exit[i] = device.exitMs[i - 1] * boardSlowdown;
        }
        gateway[l + 1] = this.gateway.exitMs;
        for (int i = l; i >= 1; i--) {
            gateway[i] = gateway[i + 1] + this.gateway.blockMs[i - 1];
        }
        double rttMs = link.roundTrip().toNanos() / 1e6;
        // 0 bit/s means unlimited: a throughput so high that transfer time vanishes.
        double bytesPerMs = link.bitsPerSecond() == 0 ? 1e15 : link.bitsPerSecond() / 8.0 / 1000.0;
        CostEstimates e = new CostEstimates(l, 0.1);
        e.restore(new CostEstimates.Snapshot(block, exit, gateway, rttMs, bytesPerMs));
        return e;
    }
}
