package io.splitee.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.testenv.Tool;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training pipeline cannot rot: {@code models/train.py --smoke} (Debian's python3-torch, the
 * Fashion-MNIST data from Debian's dataset-fashion-mnist, both found by {@link Tool}) trains a few hundred images for one epoch,
 * exports a package, and that package loads, validates and runs in ONNX Runtime Java with the segmented
 * graphs agreeing with the fused one.
 */
class TrainingSmokeIT {
    static final Path SCRIPT = Path.of("../models/train.py");

    @Test
    void smokeTrainingExportsALoadablePackage(@TempDir Path dir) throws Exception {
        Path python = Tool.PYTHON_TORCH.path();
        Path data = Tool.FASHION_MNIST.path();
        Path out = dir.resolve("fmnist-resnet12");
        Path log = dir.resolve("train.log");
        Process p = new ProcessBuilder(python.toString(), SCRIPT.toString(), "--smoke", "--data-dir", data.toString(),
                "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "smoke training finishes");
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);

        ModelPackage pkg = ModelPackage.load(out);
        assertEquals(12, pkg.depth());
        try (SegmentRunner r = OrtSegmentRunner.open(pkg, RunnerConfig.defaults().withIntraOpThreads(1).withFused(true))) {
            float[] x = pkg.manifest().input().normalise(pkg.samples().image(0));
            float[] fused = new float[r.depth() * r.classes()];
            r.runFused(FloatBuffer.wrap(x), fused);
            FloatBuffer in = FloatBuffer.wrap(x);
            float[] logits = new float[r.classes()];
            for (int b = 1; b <= r.depth(); b++) {
                FloatBuffer next = FloatBuffer.allocate(r.activationSize(b));
                r.runBlockWithExit(b, in, next, logits);
                for (int k = 0; k < r.classes(); k++) {
                    assertEquals(fused[(b - 1) * r.classes() + k], logits[k], 1e-4, "exit " + b + " logit " + k);
                }
                in = next;
            }
        }
    }
}
