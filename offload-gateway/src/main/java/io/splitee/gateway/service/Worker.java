package io.splitee.gateway.service;

import io.splitee.gateway.batch.MicroBatcher;
import io.splitee.lifecycle.Heartbeat;
import io.splitee.onnx.SegmentRunner;
import io.splitee.onnx.Softmax;
import io.splitee.wire.Frame;
import io.splitee.wire.ResultMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inference worker: takes batches from the batcher, runs the remaining blocks and the final
 * exit for the whole batch as one ONNX Runtime call per segment on its own runner of that model,
 * and hands each frame's answer to the answers thread. Owns its runners (one per served model) and its native buffers; runs until
 * the batcher is closed and drained.
 */
final class Worker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** The error code of a failed model run (docs/protocol.md). */
    static final String MODEL_ERROR = "MODEL_ERROR";
    /** How long an idle worker waits for a batch before it beats its heartbeat again. */
    static final Duration IDLE_POLL = Duration.ofMillis(250);

    private final MicroBatcher<Job.Key, Job> batcher;
    private final List<SegmentRunner> runners; // index: ServedModel.index
    private final Answers answers;
    private final GatewayMetrics metrics;
    private final Heartbeat heartbeat;
    private final StaleFrames stale;
    private FloatBuffer in = direct(1);
    private FloatBuffer out = direct(1);

    Worker(MicroBatcher<Job.Key, Job> batcher, List<SegmentRunner> runners, Answers answers, GatewayMetrics metrics,
           Heartbeat heartbeat, StaleFrames stale) {
        this.heartbeat = heartbeat;
        this.stale = stale;
        this.batcher = batcher;
        this.runners = List.copyOf(runners);
        this.answers = answers;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        try {
            while (true) {
                heartbeat.beat(); // every batch and every idle poll: the watchdog's sign that this loop runs
                MicroBatcher.Batch<Job.Key, Job> b = batcher.poll(IDLE_POLL);
                if (b == null) {
                    if (batcher.isClosed() && batcher.size() == 0) {
                        break; // closed and drained
                    }
                    continue;
                }
                try {
                    process(b);
                } catch (RuntimeException e) { // never lose the worker; each frame of the batch was answered or is redelivered
                    LOG.error("batch of {} frames for {} failed unexpectedly", b.size(), b.key().model(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("{} interrupted with {} frames still queued; the broker redelivers them",
                    Thread.currentThread().getName(), batcher.size());
        }
    }

    private void process(MicroBatcher.Batch<Job.Key, Job> b) {
        ServedModel m = b.key().model();
        int block = b.key().block();
        SegmentRunner runner = runners.get(m.index);
        long start = System.nanoTime();
        for (long arrived : b.arrivalNanos()) {
            metrics.queueWait.record(start - arrived, TimeUnit.NANOSECONDS);
        }
        List<Job> jobs = fresh(b.items(), start);
        int n = jobs.size();
        if (n == 0) {
            return;
        }
        int inSize = runner.activationSize(block);
        FloatBuffer input = inBuffer(n * inSize);
        for (int i = 0; i < n; i++) {
            FloatBuffer values = jobs.get(i).frame().data();
            input.put(i * inSize, values, 0, inSize);
        }
        float[] logits = new float[n * m.classes];
        try {
            run(runner, m, block, n, input, logits);
        } catch (RuntimeException e) { // InferenceException: ORT failed, or a non-finite logit
            if (n == 1) {
                fail(jobs.get(0), e);
                return;
            }
            LOG.warn("batch of {} for {} after block {} failed ({}); running its frames one by one", n, m, block,
                    e.toString());
            for (Job j : jobs) {
                processOne(runner, m, block, j);
            }
            return;
        }
        long end = System.nanoTime();
        metrics.compute.record(end - start, TimeUnit.NANOSECONDS);
        metrics.batches.increment();
        metrics.batchSize.record(n);
        for (int i = 0; i < n; i++) {
            answer(jobs.get(i), m, logits, i);
        }
    }

    /** The jobs whose message expiry has not passed at {@code now}; the others are skipped (see {@link StaleFrames}). */
    private List<Job> fresh(List<Job> jobs, long now) {
        if (jobs.stream().noneMatch(j -> StaleFrames.expired(j, now))) {
            return jobs;
        }
        List<Job> fresh = new ArrayList<>(jobs.size());
        for (Job j : jobs) {
            if (StaleFrames.expired(j, now)) {
                stale.skip(j, now);
            } else {
                fresh.add(j);
            }
        }
        return fresh;
    }

    private void processOne(SegmentRunner runner, ServedModel m, int block, Job j) {
        int inSize = runner.activationSize(block);
        FloatBuffer input = inBuffer(inSize);
        input.put(0, j.frame().data(), 0, inSize);
        float[] logits = new float[m.classes];
        try {
            long start = System.nanoTime();
            run(runner, m, block, 1, input, logits);
            metrics.compute.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            metrics.batches.increment();
            metrics.batchSize.record(1);
        } catch (RuntimeException e) {
            fail(j, e);
            return;
        }
        answer(j, m, logits, 0);
    }

    /**
     * Runs every segment a frame can ask for (after block 0..L, batch size 1) {@code passes} times on zeros, so
     * that the first frames are not ONNX Runtime's first runs and the JIT's: the gateway's first inference of a
     * segment took 296 ms against a few ms steady (docs/demo.md), enough to miss a device's offload deadline and
     * teach its learner that offloading does not pay. Call before the workers start.
     */
    static void warmUp(SegmentRunner runner, ServedModel m, int passes) {
        FloatBuffer features = direct(runner.activationSize(m.depth));
        float[] logits = new float[m.classes];
        for (int p = 0; p < passes; p++) {
            for (int block = 0; block <= m.depth; block++) {
                FloatBuffer input = direct(runner.activationSize(block));
                if (block < m.depth) {
                    runner.runBlocks(block + 1, m.depth, 1, input, features);
                    runner.runExit(m.depth, 1, features, logits);
                } else {
                    runner.runExit(m.depth, 1, input, logits);
                }
            }
        }
    }

    /** Blocks block+1..L on the batch, then exit L; logits sample-major. */
    private void run(SegmentRunner runner, ServedModel m, int block, int n, FloatBuffer input, float[] logits) {
        if (block < m.depth) {
            FloatBuffer features = outBuffer(n * runner.activationSize(m.depth));
            runner.runBlocks(block + 1, m.depth, n, input, features);
            runner.runExit(m.depth, n, features, logits);
        } else {
            runner.runExit(m.depth, n, input, logits);
        }
    }

    private void answer(Job j, ServedModel m, float[] logits, int i) {
        int c = m.classes;
        int cls = Softmax.argmax(logits, i * c, c);
        double confidence = Softmax.maxProbability(logits, i * c, c);
        Frame f = j.frame();
        metrics.answersOk.increment();
        answers.send(() -> {
            Duration gw = Duration.ofNanos(System.nanoTime() - j.arrivedNanos());
            metrics.latency.record(gw);
            return ResultMessage.builder(f.sampleId(), j.device(), m.id).answered(ResultMessage.Status.OK,
                            new ResultMessage.Prediction(cls, m.labels.get(cls), confidence, m.depth))
                    .computedAt(ResultMessage.Location.GATEWAY).splitBlock(f.deviceExitBlock())
                    .sentAs(f.encoding(), f.compression()).finalExitConfidence(confidence)
                    .timings(new ResultMessage.Timings(null, null, gw, null)).build();
        }, j.message());
    }

    private void fail(Job j, RuntimeException e) {
        LOG.error("inference failed for {} from {} ({}): {}", j.frame().sampleId(), j.device(), j.model(),
                e.toString());
        metrics.error(MODEL_ERROR);
        metrics.answeredError();
        Frame f = j.frame();
        answers.send(() -> ResultMessage.builder(f.sampleId(), j.device(), j.model().id)
                .refused(ResultMessage.Status.ERROR, MODEL_ERROR, String.valueOf(e.getMessage()))
                .computedAt(ResultMessage.Location.GATEWAY).splitBlock(f.deviceExitBlock())
                .sentAs(f.encoding(), f.compression())
                .timings(new ResultMessage.Timings(null, null, Duration.ofNanos(System.nanoTime() - j.arrivedNanos()),
                        null)).build(), j.message());
    }

    private FloatBuffer inBuffer(int floats) {
        if (in.capacity() < floats) {
            in = direct(floats);
        }
        return in.duplicate().clear();
    }

    private FloatBuffer outBuffer(int floats) {
        if (out.capacity() < floats) {
            out = direct(floats);
        }
        return out.duplicate().clear();
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
