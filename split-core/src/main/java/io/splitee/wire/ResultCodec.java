package io.splitee.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * JSON form of {@link ResultMessage} (schema 1, documented in {@code docs/protocol.md}). The parser
 * is strict: one object, no unknown or duplicate fields, exact JSON types (no numbers in strings, no
 * fractions where integers are due), every value range-checked, at most {@link #MAX_BYTES} bytes. Any
 * bad input gives a {@link ResultParseException}; nothing else escapes. Thread-safe.
 */
public final class ResultCodec {

    /** MIME type of a result message, e.g. for the MQTT 5 content-type property. */
    public static final String CONTENT_TYPE = "application/vnd.splitee.result+json";
    /** The schema number this codec writes and reads. */
    public static final int SCHEMA = 1;
    /** Longest accepted message in bytes. */
    public static final int MAX_BYTES = 16 * 1024;

    private static final Set<String> TOP = Set.of("schema", "sample_id", "device", "model_id", "status", "computed_at",
            "split_block", "encoding", "compression", "prediction", "final_exit_confidence", "timings_us", "error");
    private static final Set<String> PREDICTION = Set.of("class_index", "label", "confidence", "exit");
    private static final Set<String> TIMINGS = Set.of("device_compute", "link", "gateway_compute", "end_to_end");
    private static final Set<String> ERROR = Set.of("code", "message");

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxNumberLength(64).maxStringLength(MAX_BYTES).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ResultCodec() {
    }

    /** UTF-8 JSON of the message; absent optional fields are omitted. */
    public static byte[] toJson(ResultMessage m) {
        // Streamed, not built as a tree: the device writes one per sample on its answer thread.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(384);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("schema", SCHEMA);
            g.writeStringField("sample_id", m.sampleId());
            g.writeStringField("device", m.device());
            g.writeStringField("model_id", m.modelId());
            g.writeStringField("status", m.status().jsonName());
            g.writeStringField("computed_at", m.computedAt().jsonName());
            g.writeNumberField("split_block", m.splitBlock());
            if (m.encoding() != null) {
                g.writeStringField("encoding", m.encoding().jsonName());
                g.writeStringField("compression", m.compression().jsonName());
            }
            if (m.prediction() != null) {
                g.writeObjectFieldStart("prediction");
                g.writeNumberField("class_index", m.prediction().classIndex());
                g.writeStringField("label", m.prediction().label());
                g.writeNumberField("confidence", m.prediction().confidence());
                g.writeNumberField("exit", m.prediction().exit());
                g.writeEndObject();
            }
            if (m.finalExitConfidence() != null) {
                g.writeNumberField("final_exit_confidence", m.finalExitConfidence());
            }
            g.writeObjectFieldStart("timings_us");
            writeMicros(g, "device_compute", m.timings().deviceCompute());
            writeMicros(g, "link", m.timings().link());
            writeMicros(g, "gateway_compute", m.timings().gatewayCompute());
            writeMicros(g, "end_to_end", m.timings().endToEnd());
            g.writeEndObject();
            if (m.error() != null) {
                g.writeObjectFieldStart("error");
                g.writeStringField("code", m.error().code());
                g.writeStringField("message", m.error().message());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static void writeMicros(JsonGenerator g, String name, Duration d) throws IOException {
        if (d != null) {
            g.writeNumberField(name, d.toNanos() / 1000);
        }
    }

    /**
     * Parses and validates a result message.
     *
     * @throws ResultParseException with the reason and the field for any bad input
     */
    public static ResultMessage parse(byte[] json) throws ResultParseException {
        if (json == null) {
            throw new ResultParseException(ResultParseException.Reason.MALFORMED_JSON, "$", "no input", null);
        }
        if (json.length > MAX_BYTES) {
            throw new ResultParseException(ResultParseException.Reason.TOO_LARGE, "$",
                    json.length + " bytes exceed " + MAX_BYTES, null);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ResultParseException(ResultParseException.Reason.MALFORMED_JSON, "$",
                    firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new ResultParseException(ResultParseException.Reason.MALFORMED_JSON, "$", "not a JSON object", null);
        }
        return read(root);
    }

    private static ResultMessage read(JsonNode root) throws ResultParseException {
        onlyFields(root, "", TOP);
        int schema = reqInt(root, "", "schema", 0, Integer.MAX_VALUE);
        if (schema != SCHEMA) {
            throw bad(ResultParseException.Reason.UNSUPPORTED_SCHEMA, "schema", schema + ", this parser reads " + SCHEMA);
        }
        String sampleId = reqString(root, "", "sample_id");
        String device = reqString(root, "", "device");
        String modelId = reqString(root, "", "model_id");
        ResultMessage.Status status = reqEnum(root, "status", ResultMessage.Status.values(),
                ResultMessage.Status::jsonName);
        ResultMessage.Location at = reqEnum(root, "computed_at", ResultMessage.Location.values(),
                ResultMessage.Location::jsonName);
        int splitBlock = reqInt(root, "", "split_block", 0, Frame.MAX_BLOCK);
        Encoding encoding = null;
        Compression compression = null;
        Optional<String> enc = optString(root, "", "encoding");
        if (enc.isPresent()) {
            encoding = Encoding.ofJsonName(enc.get()).orElseThrow(() -> bad(ResultParseException.Reason.BAD_VALUE,
                    "encoding", "unknown encoding \"" + enc.get() + "\""));
        }
        Optional<String> comp = optString(root, "", "compression");
        if (comp.isPresent()) {
            compression = Compression.ofJsonName(comp.get()).orElseThrow(() -> bad(
                    ResultParseException.Reason.BAD_VALUE, "compression", "unknown compression \"" + comp.get() + "\""));
        }
        ResultMessage.Prediction prediction = null;
        JsonNode p = optObject(root, "", "prediction");
        if (p != null) {
            onlyFields(p, "prediction.", PREDICTION);
            int classIndex = reqInt(p, "prediction.", "class_index", 0, Integer.MAX_VALUE);
            String label = reqString(p, "prediction.", "label");
            double confidence = reqDouble(p, "prediction.", "confidence");
            int exit = reqInt(p, "prediction.", "exit", 1, Frame.MAX_BLOCK);
            prediction = construct("prediction", () -> new ResultMessage.Prediction(classIndex, label, confidence, exit));
        }
        Double finalConf = root.hasNonNull("final_exit_confidence")
                ? reqDouble(root, "", "final_exit_confidence") : null;
        JsonNode t = root.get("timings_us");
        if (t == null || t.isNull()) {
            throw bad(ResultParseException.Reason.MISSING_FIELD, "timings_us", "is required (may be {})");
        }
        if (!t.isObject()) {
            throw bad(ResultParseException.Reason.BAD_VALUE, "timings_us", "must be an object");
        }
        onlyFields(t, "timings_us.", TIMINGS);
        Duration dc = optMicros(t, "device_compute");
        Duration link = optMicros(t, "link");
        Duration gc = optMicros(t, "gateway_compute");
        Duration e2e = optMicros(t, "end_to_end");
        ResultMessage.Timings timings = construct("timings_us", () -> new ResultMessage.Timings(dc, link, gc, e2e));
        ResultMessage.ErrorInfo error = null;
        JsonNode e = optObject(root, "", "error");
        if (e != null) {
            onlyFields(e, "error.", ERROR);
            String code = reqString(e, "error.", "code");
            String message = reqString(e, "error.", "message");
            error = construct("error", () -> new ResultMessage.ErrorInfo(code, message));
        }
        Encoding fEncoding = encoding;
        Compression fCompression = compression;
        ResultMessage.Prediction fPrediction = prediction;
        ResultMessage.ErrorInfo fError = error;
        return construct("$", () -> new ResultMessage(sampleId, device, modelId, status, fPrediction, at, splitBlock,
                fEncoding, fCompression, finalConf, timings, fError));
    }

    private interface Maker<T> {
        T make();
    }

    private static <T> T construct(String field, Maker<T> maker) throws ResultParseException {
        try {
            return maker.make();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw bad(ResultParseException.Reason.BAD_VALUE, field, String.valueOf(e.getMessage()));
        }
    }

    private static void onlyFields(JsonNode o, String prefix, Set<String> allowed) throws ResultParseException {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw bad(ResultParseException.Reason.UNKNOWN_FIELD, prefix + name, "is not defined in schema " + SCHEMA);
            }
        }
    }

    private static JsonNode required(JsonNode o, String prefix, String name) throws ResultParseException {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw bad(ResultParseException.Reason.MISSING_FIELD, prefix + name, "is required");
        }
        return v;
    }

    private static int reqInt(JsonNode o, String prefix, String name, int min, int max) throws ResultParseException {
        JsonNode v = required(o, prefix, name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw bad(ResultParseException.Reason.BAD_VALUE, prefix + name, "must be an integer, got " + abbreviate(v));
        }
        int i = v.intValue();
        if (i < min || i > max) {
            throw bad(ResultParseException.Reason.BAD_VALUE, prefix + name, i + " is not in " + min + ".." + max);
        }
        return i;
    }

    private static double reqDouble(JsonNode o, String prefix, String name) throws ResultParseException {
        JsonNode v = required(o, prefix, name);
        if (!v.isNumber()) {
            throw bad(ResultParseException.Reason.BAD_VALUE, prefix + name, "must be a number, got " + abbreviate(v));
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw bad(ResultParseException.Reason.BAD_VALUE, prefix + name, "must be finite");
        }
        return d;
    }

    private static String reqString(JsonNode o, String prefix, String name) throws ResultParseException {
        JsonNode v = required(o, prefix, name);
        if (!v.isTextual()) {
            throw bad(ResultParseException.Reason.BAD_VALUE, prefix + name, "must be a string, got " + abbreviate(v));
        }
        return v.textValue();
    }

    private static Optional<String> optString(JsonNode o, String prefix, String name) throws ResultParseException {
        JsonNode v = o.get(name);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(reqString(o, prefix, name));
    }

    private static JsonNode optObject(JsonNode o, String prefix, String name) throws ResultParseException {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw bad(ResultParseException.Reason.BAD_VALUE, prefix + name, "must be an object, got " + abbreviate(v));
        }
        return v;
    }

    private static Duration optMicros(JsonNode t, String name) throws ResultParseException {
        JsonNode v = t.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw bad(ResultParseException.Reason.BAD_VALUE, "timings_us." + name,
                    "must be a non-negative integer (microseconds), got " + abbreviate(v));
        }
        return Duration.of(v.longValue(), ChronoUnit.MICROS);
    }

    private static <E> E reqEnum(JsonNode o, String name, E[] values, Function<E, String> jsonName)
            throws ResultParseException {
        String s = reqString(o, "", name);
        for (E e : values) {
            if (jsonName.apply(e).equals(s)) {
                return e;
            }
        }
        throw bad(ResultParseException.Reason.BAD_VALUE, name, "unknown value \"" + abbreviate(s) + "\"");
    }

    private static ResultParseException bad(ResultParseException.Reason reason, String field, String detail) {
        return new ResultParseException(reason, field, detail, null);
    }

    private static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed JSON";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
