package io.splitee.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The result message: round trips, the documented example, every strict-parser rejection, fuzzing. */
class ResultCodecTest {

    static final ResultMessage EXAMPLE = new ResultMessage("cam1-000123", "cam1", "fmnist-resnet12",
            ResultMessage.Status.OK, new ResultMessage.Prediction(7, "Sneaker", 0.9731, 12),
            ResultMessage.Location.GATEWAY, 4, Encoding.INT8_PER_CHANNEL, Compression.DEFLATE, 0.9731,
            new ResultMessage.Timings(null, null, Duration.ofNanos(950_000), null), null);

    private static final String VALID = json(EXAMPLE);

    static String resource(String name) throws IOException {
        try (InputStream in = ResultCodecTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String json(ResultMessage m) {
        return new String(ResultCodec.toJson(m), StandardCharsets.UTF_8);
    }

    private static ResultParseException reject(String json, ResultParseException.Reason reason, String field) {
        ResultParseException e = assertThrows(ResultParseException.class,
                () -> ResultCodec.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        return e;
    }

    @Test
    void documentedExampleParsesToTheExpectedMessage() throws Exception {
        assertEquals(EXAMPLE, ResultCodec.parse(resource("/wire/result-example.json").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void roundTrips() throws Exception {
        ResultMessage device = new ResultMessage("cam1-000124", "cam1", "fmnist-resnet12", ResultMessage.Status.OK,
                new ResultMessage.Prediction(0, "T-shirt/top", 0.91, 3), ResultMessage.Location.DEVICE, 3, null, null,
                null, new ResultMessage.Timings(Duration.ofMillis(2), null, null, Duration.ofMillis(3)), null);
        FrameException fe = new FrameException(FrameError.SHAPE_MISMATCH, "shape", "[32, 14, 14], model expects [16, 28, 28]",
                "cam1-000125");
        ResultMessage error = new ResultMessage("cam1-000125", "cam1", "fmnist-resnet12", ResultMessage.Status.ERROR, null,
                ResultMessage.Location.GATEWAY, 4, Encoding.FP16, Compression.NONE, null, ResultMessage.Timings.NONE,
                ResultMessage.ErrorInfo.of(fe));
        ResultMessage overloaded = new ResultMessage("x", "cam2", "m", ResultMessage.Status.OVERLOADED, null,
                ResultMessage.Location.GATEWAY, 8, Encoding.INT8, Compression.DEFLATE, null, ResultMessage.Timings.NONE,
                new ResultMessage.ErrorInfo("OVERLOADED", "queue full (64 frames)"));
        ResultMessage degraded = new ResultMessage("y", "cam2", "m", ResultMessage.Status.DEGRADED,
                new ResultMessage.Prediction(9, "Ankle boot", 0.4, 5), ResultMessage.Location.DEVICE, 5, null, null, null,
                new ResultMessage.Timings(Duration.ofMillis(4), Duration.ofSeconds(2), null, Duration.ofMillis(2004)),
                new ResultMessage.ErrorInfo("GATEWAY_TIMEOUT", "no answer in 2 s; answered at exit 5"));
        for (ResultMessage m : new ResultMessage[] {EXAMPLE, device, error, overloaded, degraded}) {
            assertEquals(m, ResultCodec.parse(ResultCodec.toJson(m)));
        }
        assertEquals("SHAPE_MISMATCH", error.error().code());
        assertTrue(json(device).contains("\"end_to_end\":3000"), json(device));
    }

    @Test
    void rejectsEachKindOfBadInput() {
        reject("x".repeat(ResultCodec.MAX_BYTES + 1), ResultParseException.Reason.TOO_LARGE, "$");
        reject("", ResultParseException.Reason.MALFORMED_JSON, "$");
        reject("{\"schema\":1", ResultParseException.Reason.MALFORMED_JSON, "$");
        reject("[1,2]", ResultParseException.Reason.MALFORMED_JSON, "$");
        reject("\"ok\"", ResultParseException.Reason.MALFORMED_JSON, "$");
        reject(VALID + " {}", ResultParseException.Reason.MALFORMED_JSON, "$");
        reject(VALID.replace("{\"schema\":1,", "{\"schema\":1,\"schema\":1,"), ResultParseException.Reason.MALFORMED_JSON,
                "$");
        reject("{\"a\":".repeat(20) + "1" + "}".repeat(20), ResultParseException.Reason.MALFORMED_JSON, "$");
        reject(VALID.replace("\"schema\":1", "\"schema\":2"), ResultParseException.Reason.UNSUPPORTED_SCHEMA, "schema");
        reject(VALID.replace("\"sample_id\":\"cam1-000123\",", ""), ResultParseException.Reason.MISSING_FIELD,
                "sample_id");
        reject(VALID.replace("\"device\":\"cam1\"", "\"device\":null"), ResultParseException.Reason.MISSING_FIELD,
                "device");
        reject(VALID.replace("\"label\":\"Sneaker\",", ""), ResultParseException.Reason.MISSING_FIELD, "prediction.label");
        reject(VALID.replace(",\"timings_us\":{\"gateway_compute\":950}", ""), ResultParseException.Reason.MISSING_FIELD,
                "timings_us");
        reject(VALID.replace("{\"schema\":1,", "{\"schema\":1,\"extra\":true,"), ResultParseException.Reason.UNKNOWN_FIELD,
                "extra");
        reject(VALID.replace("\"exit\":12", "\"exit\":12,\"logits\":[]"), ResultParseException.Reason.UNKNOWN_FIELD,
                "prediction.logits");
        reject(VALID.replace("\"split_block\":4", "\"split_block\":\"4\""), ResultParseException.Reason.BAD_VALUE,
                "split_block");
        reject(VALID.replace("\"split_block\":4", "\"split_block\":4.5"), ResultParseException.Reason.BAD_VALUE,
                "split_block");
        reject(VALID.replace("\"split_block\":4", "\"split_block\":4.0"), ResultParseException.Reason.BAD_VALUE,
                "split_block");
        reject(VALID.replace("\"split_block\":4", "\"split_block\":300"), ResultParseException.Reason.BAD_VALUE,
                "split_block");
        reject(VALID.replace("\"split_block\":4", "\"split_block\":99999999999999999999"),
                ResultParseException.Reason.BAD_VALUE, "split_block");
        reject(VALID.replace("\"confidence\":0.9731", "\"confidence\":1.5"), ResultParseException.Reason.BAD_VALUE,
                "prediction");
        reject(VALID.replace("\"confidence\":0.9731", "\"confidence\":1e999"), ResultParseException.Reason.BAD_VALUE,
                "prediction.confidence");
        reject(VALID.replace("\"status\":\"ok\"", "\"status\":\"OK\""), ResultParseException.Reason.BAD_VALUE, "status");
        reject(VALID.replace("\"int8_per_channel\"", "\"int4\""), ResultParseException.Reason.BAD_VALUE, "encoding");
        reject(VALID.replace("\"compression\":\"deflate\",", ""), ResultParseException.Reason.BAD_VALUE, "$");
        reject(VALID.replace("\"status\":\"ok\"", "\"status\":\"error\""), ResultParseException.Reason.BAD_VALUE, "$");
        reject(VALID.replace("950", "-1"), ResultParseException.Reason.BAD_VALUE, "timings_us.gateway_compute");
        reject(VALID.replace("950", "9223372036854775807"), ResultParseException.Reason.BAD_VALUE, "timings_us");
        reject(VALID.replace("\"device\":\"cam1\"", "\"device\":\"cam/1\""), ResultParseException.Reason.BAD_VALUE, "$");
        reject(VALID.replace("\"prediction\":{", "\"prediction\":[{").replace("\"exit\":12}", "\"exit\":12}]"),
                ResultParseException.Reason.BAD_VALUE, "prediction");
    }

    @Test
    void mutatedJsonOnlyEverGivesTypedErrors() {
        Random r = new Random(77);
        byte[] base = VALID.getBytes(StandardCharsets.UTF_8);
        String alphabet = "{}[]\":,0123456789.-eE truefalsnul\\";
        for (int i = 0; i < 5000; i++) {
            byte[] b = base.clone();
            int edits = 1 + r.nextInt(4);
            for (int k = 0; k < edits; k++) {
                int at = r.nextInt(b.length);
                b[at] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : (byte) alphabet.charAt(r.nextInt(alphabet.length()));
            }
            if (r.nextInt(5) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            try {
                ResultMessage m = ResultCodec.parse(b);
                assertEquals(m, ResultCodec.parse(ResultCodec.toJson(m)), "accepted messages round-trip");
            } catch (ResultParseException e) {
                assertTrue(e.getMessage().startsWith(e.reason() + " " + e.field() + ": "), e.getMessage());
            } catch (Throwable t) {
                fail("parser threw " + t + " for " + new String(b, StandardCharsets.ISO_8859_1), t);
            }
        }
    }

    @Test
    void recordsValidateTheirFields() {
        assertThrows(IllegalArgumentException.class, () -> new ResultMessage.Prediction(-1, "x", 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new ResultMessage.Prediction(1, "x", Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new ResultMessage.Prediction(1, "x", 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new ResultMessage.ErrorInfo("bad code", "m"));
        assertThrows(IllegalArgumentException.class, () -> new ResultMessage.Timings(Duration.ofMillis(-1), null, null,
                null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ResultMessage("s", "d", "m",
                ResultMessage.Status.OK, null, ResultMessage.Location.DEVICE, 1, null, null, null,
                ResultMessage.Timings.NONE, null));
        assertTrue(e.getMessage().startsWith("prediction"), e.getMessage());
    }
}
