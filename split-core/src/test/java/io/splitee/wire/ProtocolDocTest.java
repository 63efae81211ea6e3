package io.splitee.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/protocol.md true: the worked examples there are the annotated hex of frames encoded
 * here, and the result example is the one the parser tests use. On a mismatch the actual text is
 * written to target/protocol-examples/ to paste into the resource and the doc.
 */
class ProtocolDocTest {

    static final ManifestHash TOY_HASH = ManifestHash.of(new byte[0]);
    static final Instant TIME = Instant.parse("2026-11-28T12:00:00.000123Z");

    /** Features after block 1 of a toy model, shape [2,2,2], int8 per channel, not compressed. */
    static Frame featuresExample() {
        float[] v = {0f, 0.5f, 1f, 2f, 0f, 0f, 0.25f, 0.125f};
        return Frame.features("toy", TOY_HASH, 1, TensorSpec.float32(2, 2, 2), "cam1-000123", TIME, FloatBuffer.wrap(v))
                .encodedAs(Encoding.INT8_PER_CHANNEL, Compression.NONE);
    }

    /** The raw sample [1,2,2] in fp16, sent after the device computed up to block 3. */
    static Frame sampleExample() {
        float[] v = {-0.8101f, 1.5f, 0f, 2.0234f};
        return Frame.sample("toy", TOY_HASH, 3, TensorSpec.float32(1, 2, 2), "cam1-000124", TIME, FloatBuffer.wrap(v))
                .encodedAs(Encoding.FP16, Compression.NONE);
    }

    private static ModelCatalog toyCatalog() {
        TensorSpec in = TensorSpec.float32(1, 2, 2);
        TensorSpec mid = TensorSpec.float32(2, 2, 2);
        return ModelCatalog.of("toy", TOY_HASH, List.of(in, mid, mid, mid));
    }

    @Test
    void workedExamplesMatchTheResourceAndTheDoc() throws Exception {
        String actual;
        try (FrameEncoder enc = new FrameEncoder(); FrameDecoder dec = new FrameDecoder(toyCatalog())) {
            byte[] features = enc.encode(featuresExample());
            byte[] sample = enc.encode(sampleExample());
            assertEquals(featuresExample().sampleId(), dec.decode(features).sampleId());
            assertEquals(3, dec.decode(sample).deviceExitBlock());
            actual = "Example A: features after block 1, float32[2, 2, 2], int8_per_channel, " + features.length
                    + " bytes\n  values  " + Arrays.toString(featuresExample().toArray())
                    + "\n  decoded " + Arrays.toString(dec.decode(features).toArray()) + "\n\n" + annotate(features)
                    + "\nExample B: raw sample, float32[1, 2, 2], fp16, device computed up to block 3, " + sample.length
                    + " bytes\n  values  " + Arrays.toString(sampleExample().toArray())
                    + "\n  decoded " + Arrays.toString(dec.decode(sample).toArray()) + "\n\n" + annotate(sample);
        }
        check("/wire/protocol-examples.txt", "protocol-examples.txt", actual);
    }

    @Test
    void resultExampleIsInTheDoc() throws Exception {
        String json = ResultCodecTest.resource("/wire/result-example.json");
        assertTrue(doc().contains(json.strip()), "docs/protocol.md must contain src/test/resources/wire/result-example.json");
    }

    @Test
    void everyErrorCodeIsDocumented() throws Exception {
        String doc = doc();
        for (FrameError e : FrameError.values()) {
            assertTrue(doc.contains("`" + e.name() + "`"), "docs/protocol.md does not document " + e);
        }
    }

    @Test
    void annotatedDumpIsTheExactBytes() {
        try (FrameEncoder enc = new FrameEncoder()) {
            byte[] wire = enc.encode(featuresExample());
            StringBuilder hex = new StringBuilder();
            for (String line : annotate(wire).split("\n")) {
                if (line.length() > 6) {
                    hex.append(line.substring(6, Math.min(line.length(), 6 + 48)).replace(" ", ""));
                }
            }
            assertArrayEquals(wire, HexFormat.of().parseHex(hex.toString()));
        }
    }

    private static void check(String resource, String name, String actual) throws IOException {
        String expected = ResultCodecTest.resource(resource);
        Path docPath = Path.of("..", "docs", "protocol.md");
        boolean inDoc = Files.exists(docPath) && doc().contains(actual.strip());
        if (!expected.equals(actual) || !inDoc) {
            Path out = Path.of("target", "protocol-examples", name);
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual);
            assertEquals(expected, actual, "resource " + resource + " is stale; actual written to " + out.toAbsolutePath());
            assertTrue(inDoc, "docs/protocol.md does not contain the current " + name + " (see " + out.toAbsolutePath() + ")");
        }
    }

    static String doc() throws IOException {
        return Files.readString(Path.of("..", "docs", "protocol.md"), StandardCharsets.UTF_8);
    }

    /** Offset, hex (up to 16 bytes a line) and meaning of every field, in layout order. */
    static String annotate(byte[] wire) {
        ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder();
        int[] pos = {0};
        int rank = b.get(53) & 0xFF;
        int mlen = b.get(54) & 0xFF;
        int slen = b.get(55) & 0xFF;
        int enc = b.get(51) & 0xFF;
        int dim0 = b.getInt(60 + mlen + slen);
        int channels = enc == 3 ? 1 : enc == 4 ? dim0 : 0;
        String[] kinds = {"?", "sample", "features"};
        String[] encodings = {"?", "fp32", "fp16", "int8", "int8_per_channel"};
        field(sb, wire, pos, 4, "magic \"SPEF\"");
        field(sb, wire, pos, 1, "version = 1");
        field(sb, wire, pos, 1, "kind = " + b.get(5) + " (" + kinds[b.get(5)] + ")");
        field(sb, wire, pos, 2, String.format("flags = 0x%04x", b.getShort(6) & 0xFFFF));
        long us = b.getLong(8);
        field(sb, wire, pos, 8, "device_time_us = " + us + " (" + Frame.ofEpochMicros(us) + ")");
        field(sb, wire, pos, 32, "manifest_sha256");
        field(sb, wire, pos, 1, "block = " + (b.get(48) & 0xFF));
        field(sb, wire, pos, 1, "device_exit_block = " + (b.get(49) & 0xFF));
        field(sb, wire, pos, 1, "dtype = " + b.get(50) + " (float32)");
        field(sb, wire, pos, 1, "encoding = " + enc + " (" + encodings[enc] + ")");
        field(sb, wire, pos, 1, "compression = " + b.get(52) + (b.get(52) == 0 ? " (none)" : " (deflate)"));
        field(sb, wire, pos, 1, "rank = " + rank);
        field(sb, wire, pos, 1, "model_id_len = " + mlen);
        field(sb, wire, pos, 1, "sample_id_len = " + slen);
        field(sb, wire, pos, 4, "payload_len = " + b.getInt(56));
        field(sb, wire, pos, mlen, "model_id \"" + new String(wire, 60, mlen, StandardCharsets.UTF_8) + "\"");
        field(sb, wire, pos, slen, "sample_id \"" + new String(wire, 60 + mlen, slen, StandardCharsets.UTF_8) + "\"");
        for (int i = 0; i < rank; i++) {
            field(sb, wire, pos, 4, "shape[" + i + "] = " + b.getInt(pos[0]));
        }
        for (int c = 0; c < channels; c++) {
            field(sb, wire, pos, 4, "scale[" + c + "] = " + b.getFloat(pos[0]));
        }
        for (int c = 0; c < channels; c++) {
            field(sb, wire, pos, 1, "zero_point[" + c + "] = " + b.get(pos[0]));
        }
        StringBuilder values = new StringBuilder();
        int per = enc == 2 ? 2 : enc == 1 ? 4 : 1;
        for (int i = pos[0]; i < wire.length; i += per) {
            values.append(values.length() == 0 ? "" : " ").append(enc == 1 ? Float.toString(b.getFloat(i))
                    : enc == 2 ? Float.toString(Fp16.toFloat(b.getShort(i))) : Byte.toString(b.get(i)));
        }
        field(sb, wire, pos, wire.length - pos[0], "payload: " + (enc >= 3 ? "q = " : "") + values);
        return sb.toString();
    }

    private static void field(StringBuilder sb, byte[] wire, int[] pos, int len, String meaning) {
        int start = pos[0];
        for (int line = 0; line == 0 || line * 16 < len; line++) {
            int from = start + line * 16;
            int to = Math.min(start + len, from + 16);
            StringBuilder hex = new StringBuilder();
            for (int i = from; i < to; i++) {
                hex.append(String.format("%02x ", wire[i]));
            }
            sb.append(String.format("%04x  %-48s  %s", from, hex, line == 0 ? meaning : "").stripTrailing()).append('\n');
        }
        pos[0] = start + len;
    }
}
