import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Times one ONNX model (batch 1, float input of the given shape) with ONNX Runtime's Java API on this machine:
 * {@code java -cp onnxruntime.jar BoardFactor.java MODEL.onnx THREADS WARMUP RUNS}. Prints the median and mean ms.
 */
public final class BoardFactor {
    public static void main(String[] a) throws Exception {
        String file = a[0];
        int threads = Integer.parseInt(a[1]);
        int warmup = Integer.parseInt(a[2]);
        int runs = Integer.parseInt(a[3]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        try (OrtSession s = env.createSession(file, o)) {
            long[] shape = {1, 3, 224, 224};
            float[] x = new float[3 * 224 * 224];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 0.001);
            }
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                for (int i = 0; i < warmup; i++) {
                    s.run(Map.of("input", t)).close();
                }
                double[] ms = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    s.run(Map.of("input", t)).close();
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                double mean = Arrays.stream(ms).average().orElse(Double.NaN);
                Arrays.sort(ms);
                System.out.printf("%s: %d threads, %d runs: median %.2f ms, mean %.2f ms, min %.2f ms%n", file, threads, runs,
                        ms[runs / 2], mean, ms[0]);
            }
        }
    }
}
