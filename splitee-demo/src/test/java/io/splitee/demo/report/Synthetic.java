package io.splitee.demo.report;

import io.splitee.replay.Trace;
import java.util.Random;

/** A seeded synthetic trace: confidences rise with depth, early exits are less often right. */
final class Synthetic {
    private Synthetic() {
    }

    static Trace trace(int samples, int exits, long seed) {
        Random r = new Random(seed);
        double[][] conf = new double[samples][exits];
        int[][] pred = new int[samples][exits];
        int[] labels = new int[samples];
        for (int s = 0; s < samples; s++) {
            labels[s] = r.nextInt(10);
            double easy = r.nextDouble();
            for (int e = 0; e < exits; e++) {
                double depth = (e + 1.0) / exits;
                conf[s][e] = Math.min(1, Math.round((0.2 + 0.8 * easy * (0.4 + 0.6 * depth) + 0.05 * r.nextDouble()) * 1e6) / 1e6);
                pred[s][e] = r.nextDouble() < 0.5 + 0.45 * depth * (0.5 + easy / 2) ? labels[s] : (labels[s] + 1) % 10;
            }
        }
        return Trace.of("synthetic", conf, pred, labels);
    }
}
