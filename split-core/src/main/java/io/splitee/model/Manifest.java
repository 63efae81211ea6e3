package io.splitee.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parsed manifest.json of a model package (schema 1; see docs and {@code manifest-schema}).
 * Instances made by {@link ModelPackage#load} have been checked against the package's files;
 * the constructor itself checks only that each part is present.
 *
 * @param schema the schema version (1)
 * @param id the model id, e.g. {@code fmnist-resnet12}
 * @param version the model version, e.g. {@code 1.0.0}
 * @param framework the training framework, informational (may be empty)
 * @param opset the ONNX opset of every file
 * @param input the network input and its normalisation
 * @param labels class names, index = class id
 * @param blocks the backbone blocks, in order, indices 1..L
 * @param exits the exit heads, in order, indices 1..L
 * @param fused the whole network as one graph
 * @param samples the shipped sample set
 * @param traces trace name to package-relative file, in manifest order
 * @param metrics per-exit test metrics, informational (lists may be empty)
 */
public record Manifest(int schema, String id, String version, String framework, int opset, InputSpec input,
        List<String> labels, List<BlockSpec> blocks, List<ExitSpec> exits, Fused fused, Samples samples,
        Map<String, String> traces, Metrics metrics) {

    /**
     * Validates presence and copies the collections.
     *
     * @throws IllegalArgumentException naming the missing field
     */
    public Manifest {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
        framework = framework == null ? "" : framework;
        Objects.requireNonNull(input, "input");
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        blocks = List.copyOf(Objects.requireNonNull(blocks, "blocks"));
        exits = List.copyOf(Objects.requireNonNull(exits, "exits"));
        Objects.requireNonNull(fused, "fused");
        Objects.requireNonNull(samples, "samples");
        traces = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(traces, "traces")));
        Objects.requireNonNull(metrics, "metrics");
    }

    /** @return the number of blocks (= exits) */
    public int depth() {
        return blocks.size();
    }

    /**
     * @param index 1-based block index
     * @return that block
     * @throws IndexOutOfBoundsException if there is no such block
     */
    public BlockSpec block(int index) {
        return blocks.get(index - 1);
    }

    /**
     * @param index 1-based exit index
     * @return that exit
     * @throws IndexOutOfBoundsException if there is no such exit
     */
    public ExitSpec exit(int index) {
        return exits.get(index - 1);
    }

    /**
     * The whole network as one ONNX graph: the input to every exit's logits.
     *
     * @param file the ONNX file, package-relative
     * @param sha256 its SHA-256, lowercase hex
     * @param input the input tensor
     * @param outputs one logits tensor per exit, in exit order
     */
    public record Fused(String file, String sha256, NamedTensor input, List<NamedTensor> outputs) {
        /**
         * Validates.
         *
         * @throws IllegalArgumentException naming the field missing or malformed
         */
        public Fused {
            Specs.checkFile(file, "file");
            Specs.checkSha256(sha256, "sha256");
            sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
            Objects.requireNonNull(input, "input");
            outputs = List.copyOf(Objects.requireNonNull(outputs, "outputs"));
        }
    }

    /**
     * The sample set shipped with the package: the first {@code count} test images, gzip IDX.
     *
     * @param images the image file (IDX3, gzip), package-relative
     * @param labels the label file (IDX1, gzip), package-relative
     * @param count number of samples
     * @param sha256 file (package-relative) to SHA-256, lowercase hex
     */
    public record Samples(String images, String labels, int count, Map<String, String> sha256) {
        /**
         * Validates.
         *
         * @throws IllegalArgumentException naming the field missing or malformed
         */
        public Samples {
            Specs.checkFile(images, "images");
            Specs.checkFile(labels, "labels");
            if (count <= 0) {
                throw new IllegalArgumentException("count must be positive, was " + count);
            }
            LinkedHashMap<String, String> copy = new LinkedHashMap<>();
            Objects.requireNonNull(sha256, "sha256").forEach((file, hash) -> {
                Specs.checkSha256(hash, "sha256[" + file + "]");
                copy.put(file, hash.toLowerCase(java.util.Locale.ROOT));
            });
            sha256 = java.util.Collections.unmodifiableMap(copy);
        }
    }

    /**
     * Test-set metrics recorded at training time (informational).
     *
     * @param testAccuracy accuracy of each exit, exit 1 first (copied; may be empty)
     * @param meanConfidence mean max-softmax of each exit (copied; may be empty)
     */
    public record Metrics(double[] testAccuracy, double[] meanConfidence) {
        /** Copies. */
        public Metrics {
            testAccuracy = Objects.requireNonNull(testAccuracy, "testAccuracy").clone();
            meanConfidence = Objects.requireNonNull(meanConfidence, "meanConfidence").clone();
        }

        /** @return a copy of the per-exit accuracies */
        @Override
        public double[] testAccuracy() {
            return testAccuracy.clone();
        }

        /** @return a copy of the per-exit mean confidences */
        @Override
        public double[] meanConfidence() {
            return meanConfidence.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Metrics m && Arrays.equals(testAccuracy, m.testAccuracy)
                    && Arrays.equals(meanConfidence, m.meanConfidence);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(testAccuracy) + Arrays.hashCode(meanConfidence);
        }

        @Override
        public String toString() {
            return "Metrics[testAccuracy=" + Arrays.toString(testAccuracy) + ", meanConfidence="
                    + Arrays.toString(meanConfidence) + "]";
        }
    }
}
