package io.splitee.bench;

import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.FrameException;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.Locale;

/**
 * Prints, as Markdown, the bytes on the wire per split block per encoding (whole frames, header
 * included, mean over 100 seeded synthetic tensors per block; see {@link WireData}), against the
 * raw sample, plus the reconstruction error of each lossy encoding. Run:
 * {@code java -cp benchmarks/target/splitee-benchmarks.jar io.splitee.bench.WireSizes}
 */
public final class WireSizes {

    private static final int SAMPLES = 100;
    private static final int RAW_PIXELS = 28 * 28;

    private WireSizes() {
    }

    public static void main(String[] args) throws FrameException {
        Instant t = Instant.parse("2026-11-28T12:00:00Z");
        Encoding[] encs = Encoding.values();
        Compression[] comps = Compression.values();
        StringBuilder head = new StringBuilder("| block | tensor | zeros¹ |");
        StringBuilder rule = new StringBuilder("|---|---|---:|");
        for (Compression c : comps) {
            for (Encoding e : encs) {
                head.append(' ').append(e.jsonName()).append(c == Compression.DEFLATE ? "+deflate" : "").append(" |");
                rule.append("---:|");
            }
        }
        System.out.println(head);
        System.out.println(rule);
        double rawFp32 = 0;
        double[][] maxRelErr = new double[WireData.BLOCKS + 1][encs.length];
        double[][] sqErr = new double[WireData.BLOCKS + 1][encs.length];
        double[] sqVal = new double[WireData.BLOCKS + 1];
        try (FrameEncoder enc = new FrameEncoder(); FrameDecoder dec = new FrameDecoder(WireData.catalog())) {
            for (int block = 0; block <= WireData.BLOCKS; block++) {
                double[][] bytes = new double[comps.length][encs.length];
                double zeros = 0;
                for (int s = 0; s < SAMPLES; s++) {
                    float[] v = WireData.tensor(block, 1000L * block + s);
                    zeros += block == 0 ? backgroundFraction(1000L * block + s) : WireData.zeroFraction(v);
                    float maxAbs = 0;
                    for (float x : v) {
                        maxAbs = Math.max(maxAbs, Math.abs(x));
                        sqVal[block] += (double) x * x;
                    }
                    Frame f = block == 0
                            ? Frame.sample(WireData.MODEL_ID, WireData.HASH, 0, WireData.spec(0),
                            String.format("cam1-%06d", s), t, FloatBuffer.wrap(v))
                            : Frame.features(WireData.MODEL_ID, WireData.HASH, block, WireData.spec(block),
                            String.format("cam1-%06d", s), t, FloatBuffer.wrap(v));
                    for (int ci = 0; ci < comps.length; ci++) {
                        for (int ei = 0; ei < encs.length; ei++) {
                            byte[] w = enc.encode(f.encodedAs(encs[ei], comps[ci]));
                            bytes[ci][ei] += w.length;
                            if (ci == 0) {
                                float[] back = dec.decode(w).toArray();
                                for (int i = 0; i < v.length; i++) {
                                    double d = back[i] - v[i];
                                    maxRelErr[block][ei] = Math.max(maxRelErr[block][ei], Math.abs(d) / maxAbs);
                                    sqErr[block][ei] += d * d;
                                }
                            }
                        }
                    }
                }
                if (block == 0) {
                    rawFp32 = bytes[0][0] / SAMPLES;
                }
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %.0f%% |",
                        block == 0 ? "0 (raw sample)" : Integer.toString(block), WireData.spec(block),
                        100 * zeros / SAMPLES));
                for (int ci = 0; ci < comps.length; ci++) {
                    for (int ei = 0; ei < encs.length; ei++) {
                        row.append(String.format(Locale.ROOT, " %,.0f |", bytes[ci][ei] / SAMPLES));
                    }
                }
                System.out.println(row);
            }
        }
        System.out.printf(Locale.ROOT, "%n¹ exact zeros; for the raw sample, background pixels (value 0 before normalisation)."
                + "%nRaw sample for comparison: %d B as uint8 pixels, %,.0f B as an fp32 frame.%n", RAW_PIXELS, rawFp32);
        System.out.println();
        System.out.println("| block | fp16: max err / max abs, RMS err / RMS | int8 | int8_per_channel |");
        System.out.println("|---|---:|---:|---:|");
        for (int block : new int[] {0, 4, 8, 12}) {
            StringBuilder row = new StringBuilder("| " + block + " |");
            for (int ei = 1; ei <= 3; ei++) {
                row.append(String.format(Locale.ROOT, " %.1e, %.1e |", maxRelErr[block][ei],
                        Math.sqrt(sqErr[block][ei] / sqVal[block])));
            }
            System.out.println(row);
        }
        deflateLevels(t);
    }

    private static double backgroundFraction(long seed) {
        int z = 0;
        for (int p : WireData.pixels(seed)) {
            if (p == 0) {
                z++;
            }
        }
        return (double) z / RAW_PIXELS;
    }

    /** Mean int8_per_channel+deflate frame size at zlib levels 1 and 6, block 4. */
    private static void deflateLevels(Instant t) {
        System.out.println();
        System.out.println("| deflate level | int8_per_channel+deflate, block 4 | fp32+deflate, block 4 |");
        System.out.println("|---:|---:|---:|");
        for (int level : new int[] {1, 6, 9}) {
            double a = 0;
            double b = 0;
            try (FrameEncoder enc = new FrameEncoder(level)) {
                for (int s = 0; s < SAMPLES; s++) {
                    Frame f = Frame.features(WireData.MODEL_ID, WireData.HASH, 4, WireData.spec(4), "cam1-000000", t,
                            FloatBuffer.wrap(WireData.tensor(4, 4000L + s)));
                    a += enc.encode(f.encodedAs(Encoding.INT8_PER_CHANNEL, Compression.DEFLATE)).length;
                    b += enc.encode(f.encodedAs(Encoding.FP32, Compression.DEFLATE)).length;
                }
            }
            System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f |%n", level, a / SAMPLES, b / SAMPLES);
        }
    }
}
