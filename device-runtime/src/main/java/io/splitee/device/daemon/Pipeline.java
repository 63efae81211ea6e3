package io.splitee.device.daemon;

import io.splitee.engine.Observation;
import io.splitee.engine.Plan;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the worker thread does with a sample: decode → plan → run → decide. Every sample is a
 * {@link Sample} that carries its own state from arrival to answer; the pipeline keeps none.
 *
 * <p>Every sample that enters gets exactly one answer on the results topic, and is acknowledged to
 * the broker only once that answer is acknowledged by the broker (the {@link Answers} stage). A sample
 * id seen again (a QoS 1 redelivery) while its answer is in progress takes over the acknowledgement;
 * one seen after its answer was published is acknowledged without a second answer.
 *
 * <p>Where a sample goes after its plan ran: it exits on the device ({@link OnDevice}) when the offload
 * rule says so, otherwise the {@link Offloader} sends it to the gateway, or finishes it on the device
 * while the {@link GatewayBreaker} pauses offloading.
 */
final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** The pipeline's stages, built by the daemon. */
    record Stages(Learner learner, SampleDecoding decoding, OnDevice onDevice, Offloader offloader,
                  OffloadFrames frames) {
    }

    /** Untimed passes over every block and exit before the first sample. */
    static final int WARM_UP_PASSES = 3;
    /**
     * Timed passes after the untimed ones, recorded into the cost estimates: the median of the steady view then starts
     * from five measurements of every block and exit, not from the first sample's one.
     */
    static final int TIMED_WARM_UP_PASSES = 5;
    private final Core core;
    private final Stages stages;
    /**
     * SHA-256 of the decoded input of each recent sample id (the worker's only): a sample whose id is answered or in
     * progress is a redelivery when its input is the same, and a different sample reusing the id otherwise.
     */
    private final Map<String, byte[]> digests = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > 2 * Answers.ANSWERED_MEMORY; // the answered ones and those in progress
        }
    };

    Pipeline(Core core, Stages stages) {
        this.core = core;
        this.stages = stages;
    }

    /**
     * Warms the computation up before the first sample ({@link Compute#warmUp}), then seeds the cost estimates with
     * {@value #TIMED_WARM_UP_PASSES} timed passes through every block and exit ({@link Compute#timedWarmUp}), so that
     * the first choice prices every arm from measured compute; worker thread. Logs what the timed passes took: device
     * time spent at start-up, before any sample, charged to none.
     */
    void warmUp() {
        core.compute().warmUp(WARM_UP_PASSES);
        long nanos = core.compute().timedWarmUp(TIMED_WARM_UP_PASSES);
        LOG.info("timed warm-up: {} passes through all {} blocks and exits took {} ms of device time (before the first "
                + "sample; they seed the per-block cost estimates)", TIMED_WARM_UP_PASSES, core.compute().depth(),
                String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6));
    }

    /** Handles one sample from the queue. */
    void process(EventLoop.Job job) {
        core.metrics().sample();
        Incoming m = job.message();
        SampleDecoding.Decoded d = decode(m);
        if (core.answers().direct(m)) { // a CoAP request: waits for its id's answer, never takes one over
            if (!core.answers().awaitAnswer(d.sampleId(), m, stages.offloader().pending(d.sampleId()))) {
                core.metrics().duplicates.increment();
                return;
            }
            m = null; // answered through the waiting request; nothing to acknowledge
        } else {
            byte[] digest = d.ok() ? digest(d.input()) : null;
            if (reusedId(d.sampleId(), digest)) {
                LOG.warn("sample {} on {} reuses the id of another sample (different data); answered DUPLICATE_ID",
                        d.sampleId(), m.topic());
                core.metrics().error("DUPLICATE_ID");
                core.answers().submitUnremembered(core.results().error(d.sampleId(), "DUPLICATE_ID", "sample id "
                        + d.sampleId() + " belongs to another sample, answered or in progress; this one is not computed",
                        job.arrivedNanos()), m);
                return;
            }
            if (takeOverIfDuplicate(d.sampleId(), m)) {
                return;
            }
            if (digest != null) {
                digests.put(d.sampleId(), digest);
            }
        }
        if (!d.ok()) {
            LOG.warn("sample {} on {} rejected: {} {}", d.sampleId(), job.message().topic(), d.errorCode(),
                    d.errorMessage());
            core.metrics().error(d.errorCode());
            core.answers().submit(core.results().error(d.sampleId(), d.errorCode(), d.errorMessage(),
                    job.arrivedNanos()), m);
            return;
        }
        core.compute().rememberInput();
        core.compute().sampleStarted();
        Sample s = new Sample(d.sampleId(), m, job.arrivedNanos(), core.compute().depth(), false);
        try {
            run(s);
        } catch (RuntimeException e) { // InferenceException included: a failed run or non-finite logits
            LOG.error("inference failed for sample {}: {}", s.id, e.toString());
            core.metrics().error("INFERENCE_FAILED");
            core.answers().submit(core.results().error(s.id, "INFERENCE_FAILED", e.toString(), s.arrivedNanos), m);
        }
    }

    /**
     * Decodes a sample; a decoder fault (a bug, not bad input: that is a {@code Decoded} with an error) is
     * answered as {@code DECODE_FAILED} instead of stopping the worker, whose redelivered sample would stop
     * every restart again.
     */
    private SampleDecoding.Decoded decode(Incoming m) {
        try {
            return stages.decoding().decode(m, core.compute().boundary(0));
        } catch (RuntimeException e) {
            LOG.error("decoding a sample on {} failed: {}", m.topic(), e.toString());
            return SampleDecoding.failed(m, "DECODE_FAILED", e.toString());
        }
    }

    /** Whether {@code id} is answered or in progress for a sample with another input than {@code digest}. */
    private boolean reusedId(String id, byte[] digest) {
        byte[] known = digest == null ? null : digests.get(id);
        return known != null && !Arrays.equals(known, digest)
                && (stages.offloader().pending(id) || core.answers().knows(id));
    }

    /** SHA-256 over the input tensor's floats (the frame's timestamp and encoding do not count). */
    private static byte[] digest(FloatBuffer input) {
        FloatBuffer f = input.duplicate();
        f.rewind();
        ByteBuffer bytes = ByteBuffer.allocate(f.remaining() * Float.BYTES);
        bytes.asFloatBuffer().put(f);
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** Plan, run the plan on the device, decide where the sample is answered. */
    private void run(Sample s) {
        Learner learner = stages.learner();
        Plan plan = learner.choose();
        core.metrics().arm(learner.live(plan.arm()));
        Observation o = learner.execute(plan, exit -> core.compute().confidence(s, exit));
        s.observation = o;
        s.arm = learner.live(o.arm());
        if (o.offloads()) {
            stages.offloader().take(s);
        } else {
            stages.onDevice().exit(s);
        }
    }

    /**
     * A sample id already answered or in progress: the new delivery takes over the acknowledgement
     * (or is acknowledged at once when the answer is out) and no second answer is made.
     */
    private boolean takeOverIfDuplicate(String id, Incoming m) {
        if (stages.offloader().takeOver(id, m)) {
            core.metrics().duplicates.increment();
            return true;
        }
        if (core.answers().takeOver(id, m)) {
            core.metrics().duplicates.increment();
            if (core.answers().answeredBeforeStart(id)) {
                core.metrics().restoredDuplicates.increment();
            }
            return true;
        }
        return false;
    }

    /**
     * The answers an earlier process of this device published ({@link io.splitee.mqtt.Transport#earlierPublishes()}):
     * their samples get no second answer ({@link Answers#restore}). Before the worker starts.
     *
     * @return how many sample ids were entered
     */
    int restoreAnswered(List<Outgoing> earlier) {
        return core.answers().restore(earlier).size();
    }

    /**
     * Answers a sample {@code overloaded} (code {@code BACKLOG}): the device has held a backlog for longer than
     * {@code queue.overload.after}. Its id is the correlation data's when that is a valid id; only otherwise is
     * the message decoded for it (so that its answer names the same id a full decode would).
     */
    void answerOverloaded(Incoming m, long arrivedNanos, Backlog backlog) {
        String id = SampleDecoding.idOf(m.correlationData()).orElseGet(() -> stages.decoding().sampleIdOf(m));
        if (takeOverIfDuplicate(id, m)) {
            return;
        }
        core.metrics().overloaded();
        core.answers().submit(core.results().overloaded(id, arrivedNanos, backlog.halfWindow(),
                backlog.overloadAfter()), m);
    }

    /**
     * Handles a message on the replies topic (the gateway's answer to an offload) that arrived at
     * {@code arrivedNanos} (the transport's callback, read with {@link #now()}): the round trip ends there,
     * not when the worker gets to it, so a sample being computed meanwhile is not counted as link time.
     */
    void onReply(Incoming m, long arrivedNanos) {
        stages.offloader().onReply(m, arrivedNanos);
    }

    /** The daemon's clock, nanoseconds. */
    long now() {
        return core.nanos().getAsLong();
    }

    /** Sends a light probe when nothing was offloaded for a probe interval. */
    void maybeProbe() {
        stages.offloader().maybeProbe();
    }

    /** Whether nothing is left to answer or publish. */
    boolean idle() {
        return stages.offloader().idle() && core.answers().idle();
    }

    /** Pending offload ids, for a shutdown log line. */
    List<String> pendingIds() {
        return stages.offloader().pendingIds();
    }

    /** Stops the answers stage and releases the frame encoder; idempotent. */
    @Override
    public void close() {
        core.answers().close();
        stages.frames().close();
    }
}
