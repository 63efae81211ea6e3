package io.splitee.model;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.splitee.model.ModelPackageException.Code;
import io.splitee.wire.DType;
import io.splitee.wire.TensorSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns manifest.json bytes into a {@link Manifest}, reporting the first missing key or bad value
 * by its JSON path (e.g. {@code blocks[3].output.shape}). Checks only each value on its own; how the
 * values fit together is {@link ModelPackage}'s job.
 */
final class ManifestParser {

    static final String FILE = "manifest.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ManifestParser() {
    }

    static Manifest parse(byte[] json) throws ModelPackageException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonParseException e) {
            throw new ModelPackageException(Code.MALFORMED_MANIFEST, FILE,
                    "not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr(), e);
        } catch (JsonProcessingException e) {
            throw new ModelPackageException(Code.MALFORMED_MANIFEST, FILE, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelPackageException(Code.UNREADABLE, FILE, "cannot parse: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ModelPackageException(Code.MALFORMED_MANIFEST, FILE, "the file is empty");
        }
        Node top = new Node(root, "");
        top.requireObject();
        int schema = top.get("schema").asInt();
        if (schema != ModelPackage.SCHEMA_VERSION) {
            throw new ModelPackageException(Code.UNSUPPORTED_SCHEMA, FILE, "schema " + schema
                    + " is not supported (this build reads schema " + ModelPackage.SCHEMA_VERSION + ")");
        }
        String id = top.get("id").asText();
        String version = top.get("version").asText();
        String framework = top.has("framework") ? top.get("framework").asText() : "";
        int opset = top.get("opset").asInt();
        if (opset <= 0) {
            throw top.get("opset").invalid("must be a positive opset number, was " + opset);
        }
        InputSpec input = parseInput(top.get("input"));
        List<String> labels = new ArrayList<>();
        for (Node label : top.get("labels").elements()) {
            labels.add(label.asText());
        }
        List<BlockSpec> blocks = new ArrayList<>();
        for (Node b : top.get("blocks").elements()) {
            blocks.add(b.construct(() -> new BlockSpec(b.get("index").asInt(), b.get("file").asText(),
                    b.get("sha256").asText(), tensor(b.get("input")), tensor(b.get("output")),
                    b.get("flops").asLong(), b.get("params").asLong())));
        }
        List<ExitSpec> exits = new ArrayList<>();
        for (Node e : top.get("exits").elements()) {
            exits.add(e.construct(() -> new ExitSpec(e.get("index").asInt(), e.get("file").asText(),
                    e.get("sha256").asText(), tensor(e.get("input")), tensor(e.get("output")),
                    e.get("flops").asLong(), e.get("params").asLong())));
        }
        Node f = top.get("fused");
        List<NamedTensor> fusedOutputs = new ArrayList<>();
        for (Node o : f.get("outputs").elements()) {
            fusedOutputs.add(tensor(o));
        }
        Manifest.Fused fused = f.construct(() -> new Manifest.Fused(f.get("file").asText(), f.get("sha256").asText(),
                tensor(f.get("input")), fusedOutputs));
        Node s = top.get("samples");
        Map<String, String> sampleHashes = new LinkedHashMap<>();
        Node hashes = s.get("sha256");
        hashes.requireObject();
        for (Iterator<String> it = hashes.json.fieldNames(); it.hasNext();) {
            String name = it.next();
            sampleHashes.put(name, hashes.get(name).asText());
        }
        Manifest.Samples samples = s.construct(() -> new Manifest.Samples(s.get("images").asText(),
                s.get("labels").asText(), s.get("count").asInt(), sampleHashes));
        Node t = top.get("traces");
        t.requireObject();
        Map<String, String> traces = new LinkedHashMap<>();
        for (Iterator<String> it = t.json.fieldNames(); it.hasNext();) {
            String name = it.next();
            traces.put(name, t.get(name).asText());
        }
        Manifest.Metrics metrics = new Manifest.Metrics(new double[0], new double[0]);
        if (top.has("metrics")) {
            Node m = top.get("metrics");
            metrics = new Manifest.Metrics(m.has("test_accuracy") ? m.get("test_accuracy").asDoubles() : new double[0],
                    m.has("mean_confidence") ? m.get("mean_confidence").asDoubles() : new double[0]);
        }
        Manifest.Metrics finalMetrics = metrics;
        return top.construct(() -> new Manifest(schema, id, version, framework, opset, input, labels, blocks, exits,
                fused, samples, traces, finalMetrics));
    }

    private static InputSpec parseInput(Node in) throws ModelPackageException {
        NamedTensor tensor = tensor(in);
        Node img = in.get("image");
        InputSpec.Image image = img.construct(() -> new InputSpec.Image(img.get("height").asInt(),
                img.get("width").asInt(), img.get("channels").asInt(), img.get("color").asText()));
        Node n = in.get("normalisation");
        InputSpec.Normalisation norm = n.construct(() -> new InputSpec.Normalisation(n.get("scale").asDouble(),
                n.get("mean").asDoubles(), n.get("std").asDoubles()));
        String layout = in.get("layout").asText();
        return in.construct(() -> new InputSpec(tensor, layout, image, norm));
    }

    private static NamedTensor tensor(Node t) throws ModelPackageException {
        String name = t.get("name").asText();
        int[] shape = t.get("shape").asInts();
        Node d = t.get("dtype");
        String dtype = d.asText();
        DType type = DType.ofManifestName(dtype).orElseThrow(
                () -> d.invalid("is \"" + dtype + "\"; only float32 is supported"));
        return t.construct(() -> new NamedTensor(name, new TensorSpec(type, shape)));
    }

    /** A JSON value with its path, for messages. */
    private static final class Node {
        final JsonNode json;
        final String path;

        Node(JsonNode json, String path) {
            this.json = json;
            this.path = path;
        }

        String where() {
            return path.isEmpty() ? "the top level" : "\"" + path + "\"";
        }

        ModelPackageException invalid(String problem) {
            return new ModelPackageException(Code.INVALID_VALUE, FILE, where() + " " + problem);
        }

        void requireObject() throws ModelPackageException {
            if (!json.isObject()) {
                throw invalid("must be a JSON object, was " + json.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
        }

        boolean has(String key) throws ModelPackageException {
            requireObject();
            return json.has(key) && !json.get(key).isNull();
        }

        Node get(String key) throws ModelPackageException {
            requireObject();
            JsonNode child = json.get(key);
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (child == null || child.isNull()) {
                throw new ModelPackageException(Code.MISSING_KEY, FILE, "missing key \"" + childPath + "\"");
            }
            return new Node(child, childPath);
        }

        List<Node> elements() throws ModelPackageException {
            if (!json.isArray()) {
                throw invalid("must be a JSON array");
            }
            List<Node> out = new ArrayList<>(json.size());
            for (int i = 0; i < json.size(); i++) {
                out.add(new Node(json.get(i), path + "[" + i + "]"));
            }
            return out;
        }

        String asText() throws ModelPackageException {
            if (!json.isTextual()) {
                throw invalid("must be a string");
            }
            return json.asText();
        }

        int asInt() throws ModelPackageException {
            if (!json.isIntegralNumber() || !json.canConvertToInt()) {
                throw invalid("must be an integer that fits 32 bits, was " + json);
            }
            return json.intValue();
        }

        long asLong() throws ModelPackageException {
            if (!json.isIntegralNumber() || !json.canConvertToLong()) {
                throw invalid("must be an integer, was " + json);
            }
            return json.longValue();
        }

        double asDouble() throws ModelPackageException {
            if (!json.isNumber()) {
                throw invalid("must be a number, was " + json);
            }
            return json.doubleValue();
        }

        int[] asInts() throws ModelPackageException {
            List<Node> items = elements();
            int[] out = new int[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = items.get(i).asInt();
            }
            return out;
        }

        double[] asDoubles() throws ModelPackageException {
            List<Node> items = elements();
            double[] out = new double[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = items.get(i).asDouble();
            }
            return out;
        }

        /** Runs a record constructor, turning its IllegalArgumentException into an INVALID_VALUE here. */
        <T> T construct(Builder<T> builder) throws ModelPackageException {
            try {
                return builder.build();
            } catch (IllegalArgumentException | NullPointerException e) {
                throw invalid("is invalid: " + e.getMessage());
            }
        }
    }

    @FunctionalInterface
    private interface Builder<T> {
        T build() throws ModelPackageException;
    }
}
