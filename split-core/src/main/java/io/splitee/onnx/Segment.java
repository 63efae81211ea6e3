package io.splitee.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.splitee.model.ModelPackageException;
import io.splitee.model.ModelPackageException.Code;
import io.splitee.model.NamedTensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One ONNX file loaded as a session, with its input and output names checked against the manifest.
 * Not thread-safe on its own; {@link OrtSegmentRunner} serialises access.
 */
final class Segment implements AutoCloseable {

    final String file;
    final String inputName;
    final List<String> outputNames;
    private final OrtSession session;
    private boolean closed;

    private Segment(String file, OrtSession session, String inputName, List<String> outputNames) {
        this.file = file;
        this.session = session;
        this.inputName = inputName;
        this.outputNames = outputNames;
    }

    /**
     * Creates the session and checks its signature.
     *
     * @param file package-relative name, for messages
     * @throws ModelPackageException {@link Code#ONNX_LOAD_FAILED} if ONNX Runtime refuses the file,
     *     {@link Code#ONNX_SIGNATURE_MISMATCH} if its inputs or outputs disagree with the manifest
     */
    static Segment open(OrtEnvironment env, OrtSession.SessionOptions options, Path path, String file,
            NamedTensor input, List<NamedTensor> outputs) throws ModelPackageException {
        OrtSession session;
        try {
            session = env.createSession(path.toString(), options);
        } catch (OrtException e) {
            throw new ModelPackageException(Code.ONNX_LOAD_FAILED, file, "ONNX Runtime cannot load it: "
                    + e.getMessage(), e);
        }
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1 || !inputs.containsKey(input.name())) {
                throw mismatch(file, "has inputs " + inputs.keySet() + " but the manifest says one input \""
                        + input.name() + "\"");
            }
            checkTensor(file, "input", inputs.get(input.name()), input);
            Map<String, NodeInfo> outs = session.getOutputInfo();
            List<String> names = outputs.stream().map(NamedTensor::name).toList();
            if (outs.size() != outputs.size() || !outs.keySet().containsAll(names)) {
                throw mismatch(file, "has outputs " + outs.keySet() + " but the manifest says " + names);
            }
            for (NamedTensor o : outputs) {
                checkTensor(file, "output", outs.get(o.name()), o);
            }
            return new Segment(file, session, input.name(), names);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new ModelPackageException(Code.ONNX_LOAD_FAILED, file, "ONNX Runtime cannot describe its inputs"
                    + " and outputs: " + e.getMessage(), e);
        } catch (ModelPackageException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static void checkTensor(String file, String role, NodeInfo node, NamedTensor spec)
            throws ModelPackageException {
        if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
            throw mismatch(file, role + " \"" + spec.name() + "\" is " + node.getInfo() + ", not a float32 tensor");
        }
        long[] actual = info.getShape();
        int[] expected = spec.shape();
        boolean ok = actual.length == expected.length + 1 && actual[0] < 0;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = actual[i + 1] == expected[i] || actual[i + 1] < 0;
        }
        if (!ok) {
            throw mismatch(file, role + " \"" + spec.name() + "\" has shape " + Arrays.toString(actual)
                    + " but the manifest says [N, " + Arrays.toString(expected).substring(1)
                    + " (N = a dynamic batch axis)");
        }
    }

    private static ModelPackageException mismatch(String file, String problem) {
        return new ModelPackageException(Code.ONNX_SIGNATURE_MISMATCH, file, problem);
    }

    /**
     * Runs the graph, writing every output into the given pinned tensors.
     *
     * @throws InferenceException if ONNX Runtime fails
     */
    void run(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> pinnedOutputs) {
        if (closed) {
            throw new IllegalStateException(file + ": session is closed");
        }
        OrtSession.Result result;
        try {
            result = session.run(inputs, pinnedOutputs);
        } catch (OrtException e) {
            throw new InferenceException(file + ": ONNX Runtime run failed: " + e.getMessage(), e);
        }
        result.close();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(session);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Segment.class).warn("closing an ONNX Runtime session failed", e);
        }
    }
}
