package io.splitee.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Property-based fuzzing of the decoder with a seeded {@link Random} (reproducible; override with
 * {@code -Dsplitee.fuzz.seed=N -Dsplitee.fuzz.cases=N}), bounded by a case count and a time budget,
 * plus replay of the committed regression corpus. Properties: the decoder throws nothing but
 * {@link FrameException}; every frame it returns satisfies the frame invariants.
 */
class FrameFuzzTest {

    private static final long SEED = Long.getLong("splitee.fuzz.seed", 20261128L);
    private static final int CASES = Integer.getInteger("splitee.fuzz.cases", 20_000);
    private static final long BUDGET_NANOS = 8_000_000_000L;
    private static final Path FAILURES = Path.of("target", "wire-fuzz-failures");

    private static FrameEncoder encoder;
    private static FrameDecoder decoder;
    private static List<byte[]> seeds;

    @BeforeAll
    static void setUp() {
        encoder = new FrameEncoder();
        decoder = new FrameDecoder(TestModels.CATALOG);
        seeds = new ArrayList<>();
        Random r = new Random(SEED);
        for (Encoding e : Encoding.values()) {
            for (Compression c : Compression.values()) {
                seeds.add(encoder.encode(randomValidFrame(r, e, c, 0)));
                seeds.add(encoder.encode(randomValidFrame(r, e, c, 9 + r.nextInt(4))));
            }
        }
        seeds.add(FuzzCorpus.sample().toBytes());
    }

    @AfterAll
    static void tearDown() {
        encoder.close();
        decoder.close();
    }

    @TestFactory
    Stream<DynamicTest> corpusReplaysWithItsRecordedOutcome() throws IOException {
        List<FuzzCorpus.Case> cases = FuzzCorpus.load();
        assertTrue(cases.size() >= 50, "corpus has " + cases.size() + " cases");
        Set<String> codes = new HashSet<>();
        for (FuzzCorpus.Case c : cases) {
            codes.add(c.expected());
        }
        for (FrameError e : FrameError.values()) {
            assertTrue(codes.contains(e.name()), "the corpus has no case for " + e);
        }
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String outcome;
            try {
                Frame f = decoder.decode(c.bytes());
                assertInvariants(f, c.bytes());
                outcome = "OK";
            } catch (FrameException e) {
                outcome = e.code().name();
            }
            assertEquals(c.expected(), outcome, c.name());
        }));
    }

    @Test
    void randomValidFramesDecodeAndSatisfyTheInvariants() {
        Random r = new Random(SEED + 1);
        long deadline = System.nanoTime() + BUDGET_NANOS / 4;
        int n = 0;
        for (; n < CASES / 20 && System.nanoTime() < deadline; n++) {
            Encoding e = Encoding.values()[r.nextInt(Encoding.values().length)];
            Compression c = Compression.values()[r.nextInt(2)];
            Frame in = randomValidFrame(r, e, c, r.nextInt(TestModels.BLOCKS + 1));
            byte[] wire = encoder.encode(in);
            Frame out = decodeExpectingOnlyFrameExceptions(wire);
            assertNotNull(out, "a valid frame was rejected");
            assertEquals(in.sampleId(), out.sampleId());
            assertEquals(in.deviceTime(), out.deviceTime());
            assertEquals(in.flags(), out.flags());
            FrameRoundTripTest.assertBound(e, in.tensor(), in.toArray(), out.toArray());
        }
        assertTrue(n > 0);
    }

    @Test
    void mutatedFramesOnlyEverGiveTypedErrorsOrValidFrames() {
        Random r = new Random(SEED + 2);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int accepted = 0;
        int rejected = 0;
        int[] byCode = new int[FrameError.values().length];
        for (int i = 0; i < CASES && System.nanoTime() < deadline; i++) {
            byte[] wire = mutate(r, seeds.get(r.nextInt(seeds.size())));
            Frame f = decodeExpectingOnlyFrameExceptions(wire);
            if (f == null) {
                rejected++;
                byCode[lastCode.ordinal()]++;
            } else {
                accepted++;
            }
        }
        System.out.printf("fuzz: %d mutated frames, %d accepted, %d rejected; by code %s%n", accepted + rejected,
                accepted, rejected, codes(byCode));
        assertTrue(rejected > 0 && accepted > 0, "mutations should produce both outcomes");
    }

    @Test
    void randomBytesOnlyEverGiveTypedErrors() {
        Random r = new Random(SEED + 3);
        long deadline = System.nanoTime() + BUDGET_NANOS / 4;
        for (int i = 0; i < CASES / 4 && System.nanoTime() < deadline; i++) {
            byte[] b = new byte[r.nextInt(400)];
            r.nextBytes(b);
            if (r.nextBoolean() && b.length >= 5) {
                System.arraycopy(new byte[] {'S', 'P', 'E', 'F', 1}, 0, b, 0, 5);
            }
            decodeExpectingOnlyFrameExceptions(b);
        }
    }

    private static FrameError lastCode;

    /** Decodes; returns the frame (after checking its invariants) or null for a FrameException; fails on anything else. */
    private static Frame decodeExpectingOnlyFrameExceptions(byte[] wire) {
        try {
            Frame f = decoder.decode(wire);
            assertInvariants(f, wire);
            return f;
        } catch (FrameException e) {
            assertNotNull(e.code());
            assertNotNull(e.field());
            assertFalse(e.field().isEmpty());
            assertTrue(e.getMessage().startsWith(e.code() + " " + e.field() + ": "), e.getMessage());
            lastCode = e.code();
            return null;
        } catch (Throwable t) {
            Path saved = save(wire);
            fail("decoder threw " + t + " (input saved to " + saved + "; add it to the corpus once fixed)", t);
            return null;
        }
    }

    private static void assertInvariants(Frame f, byte[] wire) {
        try {
            assertTrue(wire.length <= DecodeLimits.DEFAULT.maxFrameBytes());
            assertTrue(TestModels.CATALOG.knowsManifest(f.modelId(), f.manifest()));
            assertEquals(TestModels.CATALOG.expected(f.modelId(), f.manifest(), f.block()).orElseThrow(), f.tensor());
            assertTrue(TestModels.CATALOG.expected(f.modelId(), f.manifest(), f.deviceExitBlock()).isPresent());
            assertEquals(f.kind() == Frame.Kind.SAMPLE, f.block() == 0);
            if (f.kind() == Frame.Kind.FEATURES) {
                assertEquals(f.block(), f.deviceExitBlock());
            }
            assertTrue(Ids.sampleIdProblem(f.sampleId()).isEmpty());
            assertEquals(0, f.flags() & 0xFF);
            float[] v = f.toArray();
            assertEquals(f.tensor().elementCount(), v.length);
            for (int i = 0; i < v.length; i++) {
                assertTrue(Float.isFinite(v[i]), "data[" + i + "] = " + v[i]);
            }
            if (f.encoding() == Encoding.FP32 || f.encoding() == Encoding.FP16) {
                // Decoded values are exactly representable: re-encoding is lossless and stable.
                Frame again = decoder.decode(encoder.encode(f));
                assertArrayEquals(v, again.toArray());
            }
        } catch (AssertionError | FrameException | RuntimeException e) {
            Path saved = save(wire);
            fail("accepted frame violates an invariant (input saved to " + saved + ")", e);
        }
    }

    static Frame randomValidFrame(Random r, Encoding e, Compression c, int block) {
        TensorSpec spec = TestModels.spec(block);
        float[] v = block == 0 ? TestModels.signedValues(r, spec.elementCount(), 2f) : TestModels.reluFeatures(r, spec);
        String sampleId = randomSampleId(r);
        Instant t = Frame.ofEpochMicros(r.nextLong());
        int flags = r.nextInt(256) << 8;
        if (block == 0) {
            return new Frame(Frame.Kind.SAMPLE, TestModels.MODEL_ID, TestModels.HASH, 0, r.nextInt(TestModels.BLOCKS + 1),
                    spec, e, c, sampleId, t, flags, FloatBuffer.wrap(v));
        }
        return new Frame(Frame.Kind.FEATURES, TestModels.MODEL_ID, TestModels.HASH, block, block, spec, e, c, sampleId, t,
                flags, FloatBuffer.wrap(v));
    }

    private static String randomSampleId(Random r) {
        StringBuilder sb = new StringBuilder();
        int len = 1 + r.nextInt(20);
        for (int i = 0; i < len; i++) {
            int kind = r.nextInt(10);
            sb.appendCodePoint(kind < 7 ? 'a' + r.nextInt(26) : kind < 9 ? 0xA0 + r.nextInt(0x700) : 0x1F600 + r.nextInt(50));
        }
        String s = sb.toString();
        while (s.getBytes(StandardCharsets.UTF_8).length > 64) {
            s = s.substring(0, s.length() - 1);
            if (Character.isHighSurrogate(s.charAt(s.length() - 1))) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }

    /** One to three mutations of a seed frame, biased towards header fields and lengths. */
    static byte[] mutate(Random r, byte[] seed) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds; k++) {
            switch (r.nextInt(9)) {
                case 0 -> { // flip bits anywhere
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> { // random byte in the header and variable part
                    if (b.length > 0) {
                        b[r.nextInt(Math.min(b.length, 140))] = (byte) r.nextInt(256);
                    }
                }
                case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncate
                case 3 -> { // append
                    byte[] extra = new byte[1 + r.nextInt(16)];
                    r.nextBytes(extra);
                    byte[] n = java.util.Arrays.copyOf(b, b.length + extra.length);
                    System.arraycopy(extra, 0, n, b.length, extra.length);
                    b = n;
                }
                case 4 -> { // interesting u8 into a one-byte header field
                    int[] offs = {4, 5, 48, 49, 50, 51, 52, 53, 54, 55};
                    int[] vals = {0, 1, 2, 3, 4, 8, 9, 12, 13, 64, 65, 127, 128, 255};
                    if (b.length > 56) {
                        b[offs[r.nextInt(offs.length)]] = (byte) vals[r.nextInt(vals.length)];
                    }
                }
                case 5 -> { // interesting u32 into payload_len or a dimension
                    int[] vals = {0, 1, 3, 28, 784, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x10000, 3136, 12544};
                    int off = r.nextBoolean() ? 56 : 60 + (b.length > 56 ? (b[54] & 0xFF) + (b[55] & 0xFF) : 0)
                            + 4 * r.nextInt(3);
                    if (off + 4 <= b.length) {
                        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(off, vals[r.nextInt(vals.length)]);
                    }
                }
                case 6 -> { // payload_len nudged by a little
                    if (b.length >= 60) {
                        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                        bb.putInt(56, bb.getInt(56) + r.nextInt(9) - 4);
                    }
                }
                case 7 -> { // bytes inside the payload (deflate streams, NaN patterns)
                    if (b.length > 120) {
                        int at = 100 + r.nextInt(b.length - 100);
                        b[at] = (byte) (r.nextBoolean() ? 0xFF : r.nextInt(256));
                        if (r.nextBoolean() && at + 1 < b.length) {
                            b[at + 1] = (byte) 0x7F; // exponent bits of a float or a half
                        }
                    }
                }
                default -> { // splice another seed's tail
                    byte[] other = seeds.get(r.nextInt(seeds.size()));
                    int cut = r.nextInt(Math.min(b.length, other.length) + 1);
                    byte[] n = java.util.Arrays.copyOf(b, cut + (other.length - cut));
                    System.arraycopy(other, cut, n, cut, other.length - cut);
                    b = n;
                }
            }
        }
        return b;
    }

    private static Path save(byte[] wire) {
        try {
            Files.createDirectories(FAILURES);
            String name = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(wire), 0, 8);
            Path p = FAILURES.resolve(name + ".bin");
            Files.write(p, wire);
            return p.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String codes(int[] byCode) {
        StringBuilder sb = new StringBuilder();
        for (FrameError e : FrameError.values()) {
            if (byCode[e.ordinal()] > 0) {
                sb.append(e).append('=').append(byCode[e.ordinal()]).append(' ');
            }
        }
        return sb.toString().strip();
    }
}
