package io.splitee.device.daemon;

import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.Observation;
import io.splitee.engine.Outcome;
import io.splitee.engine.Plan;
import io.splitee.engine.PlanExecutor;
import io.splitee.engine.Policy;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.onnx.SegmentRunner;
import io.splitee.onnx.Softmax;
import io.splitee.wire.Compression;
import io.splitee.wire.Encoding;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import io.splitee.wire.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the worker thread does, and the state only it touches: the engine, the runner and its
 * buffers, the cost estimates and pending offloads. Answers go to the {@link Answers} stage, which
 * publishes them on its own thread and remembers the recently answered sample ids.
 *
 * <p>Every sample that enters gets exactly one answer on the results topic, and is acknowledged to
 * the broker only once that answer is acknowledged by the broker. A sample id seen again (a QoS 1
 * redelivery) while its answer is in progress takes over the acknowledgement; one seen after its
 * answer was published is acknowledged without a second answer.
 *
 * <p>Outages enter the engine through the cost model: an offload that misses its deadline is recorded
 * in the link estimates as a transfer that took the whole deadline (and in measured mode that raises
 * the cost of every offloading arm), and the sample is finished on the device. After
 * {@value #OPEN_AFTER_MISSES} misses in a row the device stops offloading altogether (samples that
 * would offload are finished on the device, recorded as offloads whose final-exit confidence the
 * device computed itself) and sends a light probe (the last sample, raw) every probe interval; the
 * first answered probe or offload resumes offloading. Before the first deadline passes, an overdue
 * offload (see {@link #gatewaySuspect()}) already pauses new offloads, so an outage costs a few
 * samples' worth of waiting, not a deadline's worth.
 */
final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    static final int OPEN_AFTER_MISSES = 3;
    static final int PAYLOAD_EXPLORE_EVERY = 10;

    private final DeviceConfig config;
    private final ModelPackage pkg;
    private final SegmentRunner runner;
    private final Transport transport;
    private final Policy policy;
    private final EngineConfig engineConfig;
    private final CostEstimates estimates;
    private final MeasuredCosts measured;
    private final SampleDecoding decoding;
    private final FrameEncoder encoder = new FrameEncoder();
    private final DeviceMetrics metrics;
    private final EventLoop loop;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanos;
    private final int depth;
    private final int classes;
    private final int armOffset;
    private final Encoding encoding;
    private final Compression compression;
    private final ManifestHash manifestHash;
    private final TensorSpec[] tensorAt;
    private final FloatBuffer[] boundary;
    private final float[] logits;
    private final int[] predictions;
    private final double[] confidences;

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Answers answers;
    private long sampleSeq;
    private long payloadChoices;
    private long answeredOffloads;
    private int consecutiveMisses;
    private long lastOffloadNanos;
    private long probeSeq;
    private float[] lastInput;
    private long deviceNanosThisSample;
    private int computedTo;

    /** An offload awaiting the gateway. */
    private static final class Pending {
        final String sampleId;
        Incoming source;
        final long arrivedNanos;
        final long sentNanos;
        final int arm;
        final double[] confidences;
        final int[] predictions;
        final float[] features;
        final long bytes;
        final MeasuredCosts.Payload payload;
        final long deviceNanos;
        final boolean probe;
        ScheduledFuture<?> deadline;

        Pending(String sampleId, Incoming source, long arrivedNanos, long sentNanos, int arm, double[] confidences,
                int[] predictions, float[] features, long bytes, MeasuredCosts.Payload payload, long deviceNanos,
                boolean probe) {
            this.sampleId = sampleId;
            this.source = source;
            this.arrivedNanos = arrivedNanos;
            this.sentNanos = sentNanos;
            this.arm = arm;
            this.confidences = confidences;
            this.predictions = predictions;
            this.features = features;
            this.bytes = bytes;
            this.payload = payload;
            this.deviceNanos = deviceNanos;
            this.probe = probe;
        }
    }

    Pipeline(DeviceConfig config, ModelPackage pkg, SegmentRunner runner, Transport transport, Policy policy,
             EngineConfig engineConfig, CostEstimates estimates, MeasuredCosts measured, SampleDecoding decoding,
             DeviceMetrics metrics, EventLoop loop, ScheduledExecutorService timer, LongSupplier nanos) {
        this.config = config;
        this.pkg = pkg;
        this.runner = runner;
        this.transport = transport;
        this.policy = policy;
        this.engineConfig = engineConfig;
        this.estimates = estimates;
        this.measured = measured;
        this.decoding = decoding;
        this.metrics = metrics;
        this.loop = loop;
        this.timer = timer;
        this.nanos = nanos;
        this.depth = runner.depth();
        this.classes = runner.classes();
        this.armOffset = policy.arms() - runner.depth();
        if (armOffset != 0 && armOffset != 1) {
            throw new IllegalArgumentException("the engine has " + policy.arms() + " arms for " + runner.depth()
                    + " blocks");
        }
        this.encoding = config.offload().encoding();
        this.compression = config.offload().deflate() ? Compression.DEFLATE : Compression.NONE;
        this.manifestHash = new ManifestHash(pkg.manifestSha256Bytes());
        this.tensorAt = new TensorSpec[depth + 1];
        this.boundary = new FloatBuffer[depth + 1];
        for (int i = 0; i <= depth; i++) {
            tensorAt[i] = TensorSpec.float32(pkg.boundaryShape(i));
            boundary[i] = ByteBuffer.allocateDirect(runner.activationSize(i) * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        this.logits = new float[classes];
        this.predictions = new int[depth];
        this.confidences = new double[depth];
        this.lastOffloadNanos = nanos.getAsLong();
        this.answers = new Answers(transport, config.resultsTopic(), timer, "splitee-" + config.deviceId() + "-answers");
    }

    /** Whether nothing is left to answer or publish. */
    boolean idle() {
        return pending.isEmpty() && answers.idle();
    }

    // ------------------------------------------------------------------------------------------ samples

    /** Handles one sample from the queue. */
    void process(EventLoop.Job job) {
        metrics.samples.increment();
        Incoming m = job.message();
        sampleSeq++;
        SampleDecoding.Decoded d = decoding.decode(m, boundary[0]);
        if (takeOverIfDuplicate(d.sampleId(), m)) {
            return;
        }
        if (!d.ok()) {
            LOG.warn("sample {} on {} rejected: {} {}", d.sampleId(), m.topic(), d.errorCode(), d.errorMessage());
            metrics.error(d.errorCode());
            publish(result(d.sampleId(), ResultMessage.Status.ERROR, null, 0, null, null, null,
                    timings(0, null, null, job.arrivedNanos()), new ResultMessage.ErrorInfo(d.errorCode(),
                            truncate(d.errorMessage()))), m);
            return;
        }
        if (lastInput == null) {
            lastInput = new float[boundary[0].capacity()];
        }
        boundary[0].get(0, lastInput);
        try {
            infer(d.sampleId(), m, job.arrivedNanos());
        } catch (RuntimeException e) { // InferenceException included: a failed run or non-finite logits
            LOG.error("inference failed for sample {}: {}", d.sampleId(), e.toString());
            metrics.error("INFERENCE_FAILED");
            publish(result(d.sampleId(), ResultMessage.Status.ERROR, null, 0, null, null, null,
                    timings(0, null, null, job.arrivedNanos()),
                    new ResultMessage.ErrorInfo("INFERENCE_FAILED", truncate(e.toString()))), m);
        }
    }

    /**
     * A sample id already answered or in progress: the new delivery takes over the acknowledgement
     * (or is acknowledged at once when the answer is out) and no second answer is made.
     */
    private boolean takeOverIfDuplicate(String id, Incoming m) {
        Pending p = pending.get(id);
        if (p != null) {
            metrics.duplicates.increment();
            p.source = m;
            return true;
        }
        if (answers.takeOver(id, m)) {
            metrics.duplicates.increment();
            return true;
        }
        return false;
    }

    private void infer(String id, Incoming m, long arrived) {
        Arrays.fill(confidences, Outcome.UNOBSERVED);
        deviceNanosThisSample = 0;
        computedTo = 0;
        Plan plan = policy.choose();
        metrics.arm(plan.arm() - armOffset);
        Observation o = PlanExecutor.execute(plan, engineConfig, this::liveConfidence);
        int arm = o.arm() - armOffset;
        if (!o.offloads()) {
            answerOnDevice(id, m, arrived, arm, arm, ResultMessage.Status.OK, null);
            record(arm, false, confidences);
        } else if (offloadAllowed()) {
            offload(id, m, arrived, arm, false);
        } else {
            finishOnDevice(id, m, arrived, arm, confidences, predictions, null);
        }
    }

    /**
     * The executor's oracle: C of the engine's exit, computing the blocks up to it first. With the
     * raw-sample arm the engine's exit k is the live exit k-1, and its exit 1 (live arm 0: send the raw
     * sample, compute nothing) has confidence 0.
     */
    private double liveConfidence(int engineExit) {
        int exit = engineExit - armOffset;
        if (exit == 0) {
            return 0.0;
        }
        for (int i = computedTo + 1; i <= exit; i++) {
            block(i);
        }
        computedTo = Math.max(computedTo, exit);
        exit(exit);
        return confidences[exit - 1];
    }

    /**
     * Records an outcome with the engine. With the raw-sample arm the engine's arm k is the live arm
     * k-1, and its arm 1 (live arm 0) has a confidence of 0: it never exits, its reward is always
     * {@code C_L - cost(0, offloaded)}, computable whenever C_L is known (the engine's own rule).
     */
    private void record(int liveArm, boolean offloaded, double[] conf) {
        if (armOffset == 0) {
            policy.record(new Outcome(liveArm, offloaded, conf));
            return;
        }
        double[] c = new double[depth + 1];
        c[0] = 0.0;
        System.arraycopy(conf, 0, c, 1, depth);
        policy.record(new Outcome(liveArm + 1, offloaded, c));
    }

    private void block(int i) {
        long t0 = nanos.getAsLong();
        runner.runBlocks(i, i, boundary[i - 1], boundary[i]);
        long dt = nanos.getAsLong() - t0;
        deviceNanosThisSample += dt;
        estimates.recordBlock(i, Duration.ofNanos(dt));
    }

    private void exit(int i) {
        long t0 = nanos.getAsLong();
        runner.runExit(i, boundary[i], logits);
        long dt = nanos.getAsLong() - t0;
        deviceNanosThisSample += dt;
        estimates.recordExit(i, Duration.ofNanos(dt));
        predictions[i - 1] = Softmax.argmax(logits);
        confidences[i - 1] = Softmax.maxProbability(logits);
    }

    private boolean offloadAllowed() {
        return consecutiveMisses < OPEN_AFTER_MISSES && pending.size() < config.offload().maxPending()
                && transport.isConnected() && !gatewaySuspect();
    }

    /**
     * Whether the oldest unanswered offload is overdue: older than four smoothed round trips plus the
     * gateway's time (at least 50 ms, at most half the deadline), once three offloads have been
     * answered. A gateway that went away is noticed after a few samples rather than after a whole
     * deadline's worth of them.
     */
    private boolean gatewaySuspect() {
        if (pending.isEmpty() || answeredOffloads < 3) {
            return false; // no estimate yet (the first answers include the gateway's warm-up): the deadline rules
        }
        Pending oldest = pending.values().iterator().next();
        double expectedMs = 4 * (estimates.roundTripMs() + estimates.gatewayMs(oldest.arm + 1));
        long limit = (long) Math.min(Math.max(expectedMs, 50) * 1e6, config.offload().deadline().toNanos() / 2.0);
        return nanos.getAsLong() - oldest.sentNanos > limit;
    }

    /** Computes the blocks after {@code arm} on the device (no gateway) and answers from the final exit. */
    private void finishOnDevice(String id, Incoming m, long arrived, int arm, double[] conf, int[] pred,
                                ResultMessage.ErrorInfo note) {
        if (conf != confidences) {
            System.arraycopy(conf, 0, confidences, 0, depth);
            System.arraycopy(pred, 0, predictions, 0, depth);
        }
        for (int i = arm + 1; i <= depth; i++) {
            block(i);
        }
        exit(depth);
        answerOnDevice(id, m, arrived, depth, arm, ResultMessage.Status.OK, note);
        record(arm, arm < depth, confidences);
    }

    private void answerOnDevice(String id, Incoming m, long arrived, int exit, int split, ResultMessage.Status status,
                                ResultMessage.ErrorInfo note) {
        metrics.exit(exit);
        long e2e = nanos.getAsLong() - arrived;
        metrics.latencyLocal.record(e2e, TimeUnit.NANOSECONDS);
        int cls = predictions[exit - 1];
        ResultMessage.Prediction p = new ResultMessage.Prediction(cls, pkg.labels().get(cls), confidences[exit - 1], exit);
        publish(result(id, status, p, split, null, null, exit == depth ? confidences[depth - 1] : null,
                timings(deviceNanosThisSample, null, null, arrived), note), m);
    }

    // ------------------------------------------------------------------------------------------ offloads

    private void offload(String id, Incoming m, long arrived, int arm, boolean probe) {
        MeasuredCosts.Payload payload = probe ? MeasuredCosts.Payload.RAW : choosePayload(arm);
        Frame frame;
        if (probe) {
            frame = Frame.sample(pkg.manifest().id(), manifestHash, 0, tensorAt[0], id, Instant.now(),
                    FloatBuffer.wrap(lastInput));
        } else if (payload == MeasuredCosts.Payload.FEATURES) {
            frame = Frame.features(pkg.manifest().id(), manifestHash, arm, tensorAt[arm], id, Instant.now(),
                    boundary[arm]);
        } else {
            frame = Frame.sample(pkg.manifest().id(), manifestHash, arm, tensorAt[0], id, Instant.now(), boundary[0]);
        }
        byte[] bytes = encoder.encode(frame.encodedAs(encoding, compression));
        float[] features = new float[runner.activationSize(arm)];
        boundary[arm].get(0, features);
        long sent = nanos.getAsLong();
        Pending p = new Pending(id, m, arrived, sent, arm, confidences.clone(), predictions.clone(), features,
                bytes.length, payload, deviceNanosThisSample, probe);
        pending.put(id, p);
        metrics.pending.set(pending.size());
        lastOffloadNanos = sent;
        (payload == MeasuredCosts.Payload.FEATURES ? metrics.offloads : metrics.offloadsRaw).increment();
        metrics.offloadBytes.record(bytes.length);
        Outgoing out = Outgoing.builder(config.featuresTopic(), bytes).qos(1).contentType(Frame.CONTENT_TYPE)
                .responseTopic(config.repliesTopic()).correlationData(id.getBytes(StandardCharsets.UTF_8)).build();
        p.deadline = timer.schedule(() -> loop.post(() -> onDeadline(p)), config.offload().deadline().toNanos(),
                TimeUnit.NANOSECONDS);
        transport.publish(out).whenComplete((ok, err) -> {
            if (err != null) {
                loop.post(() -> onSendFailed(p, err));
            }
        });
    }

    /**
     * The cheapest payload by the current estimates; in {@code auto} mode every
     * {@value #PAYLOAD_EXPLORE_EVERY}th offload sends the other one, so the estimates behind both stay
     * measured (a greedy choice could otherwise keep trusting a stale estimate of the payload it
     * stopped sending).
     */
    private MeasuredCosts.Payload choosePayload(int arm) {
        if (measured != null) {
            MeasuredCosts.Payload best = measured.offload(arm).payload();
            if (config.offload().payload() == MeasuredCosts.PayloadRule.AUTO && arm > 0
                    && ++payloadChoices % PAYLOAD_EXPLORE_EVERY == 0) {
                return best == MeasuredCosts.Payload.RAW ? MeasuredCosts.Payload.FEATURES : MeasuredCosts.Payload.RAW;
            }
            return best;
        }
        return config.offload().payload() == MeasuredCosts.PayloadRule.RAW
                ? MeasuredCosts.Payload.RAW : MeasuredCosts.Payload.FEATURES;
    }

    private void onSendFailed(Pending p, Throwable err) {
        if (pending.remove(p.sampleId) != p) {
            return;
        }
        p.deadline.cancel(false);
        metrics.pending.set(pending.size());
        LOG.warn("offload of {} not sent ({}); finishing it on the device", p.sampleId, err.getMessage());
        fallback(p, "OFFLOAD_NOT_SENT", "the offload could not be published: " + err.getMessage());
    }

    private void onDeadline(Pending p) {
        if (pending.remove(p.sampleId) != p) {
            return; // answered meanwhile
        }
        metrics.pending.set(pending.size());
        metrics.deadlineMisses.increment();
        consecutiveMisses++;
        if (consecutiveMisses == OPEN_AFTER_MISSES) {
            LOG.warn("gateway missed {} deadlines in a row; offloading paused, probing every {}", consecutiveMisses,
                    config.offload().probeInterval());
        }
        // What the link cost us: the whole deadline, with nothing from the gateway.
        int fromBlock = p.payload == MeasuredCosts.Payload.FEATURES ? p.arm + 1 : 1;
        estimates.recordOffload(fromBlock, p.bytes, config.offload().deadline(), Duration.ZERO);
        fallback(p, "DEADLINE", "the gateway did not answer within " + config.offload().deadline());
    }

    private void fallback(Pending p, String code, String why) {
        if (p.probe) {
            return;
        }
        boundary[p.arm].put(0, p.features);
        deviceNanosThisSample = p.deviceNanos;
        if (config.offload().fallback() == DeviceConfig.Offload.Fallback.COMPLETE || p.arm == 0) {
            finishOnDevice(p.sampleId, p.source, p.arrivedNanos, p.arm, p.confidences, p.predictions, null);
        } else {
            System.arraycopy(p.confidences, 0, confidences, 0, depth);
            System.arraycopy(p.predictions, 0, predictions, 0, depth);
            metrics.degraded.increment();
            answerOnDevice(p.sampleId, p.source, p.arrivedNanos, p.arm, p.arm, ResultMessage.Status.DEGRADED,
                    new ResultMessage.ErrorInfo(code, truncate(why + "; answered from exit " + p.arm)));
            // The engine learns what it got: exit arm's confidence in place of the final exit's.
            double[] c = confidences.clone();
            c[depth - 1] = c[p.arm - 1];
            record(p.arm, true, c);
        }
    }

    /** Handles a message on the replies topic (the gateway's answer to an offload). */
    void onReply(Incoming m) {
        transport.ack(m);
        Optional<String> corr = SampleDecoding.idOf(m.correlationData());
        ResultMessage r;
        try {
            r = ResultCodec.parse(m.payload());
        } catch (ResultParseException e) {
            LOG.warn("unreadable gateway answer on {} (correlation {}): {}", m.topic(), corr.orElse("-"), e.getMessage());
            return;
        }
        String id = corr.orElse(r.sampleId());
        Pending p = pending.remove(id);
        if (p == null) {
            metrics.lateReplies.increment();
            LOG.debug("answer for {} arrived after its deadline or twice; ignored", id);
            return;
        }
        p.deadline.cancel(false);
        metrics.pending.set(pending.size());
        long now = nanos.getAsLong();
        long roundTrip = now - p.sentNanos;
        if (r.status() == ResultMessage.Status.OVERLOADED || r.status() == ResultMessage.Status.ERROR
                || r.prediction() == null || r.finalExitConfidence() == null) {
            // The link worked; the gateway could not help. Finish here.
            consecutiveMisses = 0;
            String code = r.error() == null ? "GATEWAY_" + r.status().jsonName().toUpperCase() : r.error().code();
            LOG.warn("gateway answered {} for {}: {}", r.status().jsonName(), id, r.error());
            fallback(p, code, "the gateway answered " + r.status().jsonName());
            return;
        }
        Duration gw = r.timings().gatewayCompute() == null ? Duration.ZERO : r.timings().gatewayCompute();
        int fromBlock = p.payload == MeasuredCosts.Payload.FEATURES ? p.arm + 1 : 1;
        estimates.recordOffload(fromBlock, p.bytes, Duration.ofNanos(roundTrip), gw);
        answeredOffloads++;
        LOG.debug("offload {} {} bytes {} rt {} ms gw {} ms -> rtt {} thr {}", id, p.payload, p.bytes,
                roundTrip / 1e6, gw.toNanos() / 1e6, estimates.roundTripMs(), estimates.throughputBytesPerMs());
        if (consecutiveMisses >= OPEN_AFTER_MISSES) {
            LOG.info("gateway answered again; offloading resumed");
        }
        consecutiveMisses = 0;
        if (p.probe) {
            return;
        }
        metrics.exit(depth);
        metrics.latencyOffload.record(now - p.arrivedNanos, TimeUnit.NANOSECONDS);
        Duration link = Duration.ofNanos(Math.max(0, roundTrip - gw.toNanos()));
        publish(result(id, ResultMessage.Status.OK, r.prediction(), p.arm, encoding, compression,
                r.finalExitConfidence(), new ResultMessage.Timings(Duration.ofNanos(p.deviceNanos), link, gw,
                        Duration.ofNanos(now - p.arrivedNanos)), null), p.source);
        double[] c = p.confidences.clone();
        c[depth - 1] = Math.max(0, Math.min(1, r.finalExitConfidence()));
        record(p.arm, true, c);
    }

    /** Sends a light probe (the last sample, raw) when nothing was offloaded for a probe interval. */
    void maybeProbe() {
        long now = nanos.getAsLong();
        if (lastInput == null || !transport.isConnected() || pending.size() >= config.offload().maxPending()
                || now - lastOffloadNanos < config.offload().probeInterval().toNanos()) {
            return;
        }
        metrics.probes.increment();
        deviceNanosThisSample = 0;
        offload(config.deviceId() + "-probe-" + (++probeSeq), null, now, 1, true);
    }

    // ------------------------------------------------------------------------------------------ answers

    /** Answers a sample that found the queue full. */
    void answerOverloaded(Incoming m, long arrived) {
        String id = SampleDecoding.idOf(m.correlationData()).orElse(decodingIdOf(m));
        if (takeOverIfDuplicate(id, m)) {
            return;
        }
        metrics.overloaded.increment();
        publish(result(id, ResultMessage.Status.OVERLOADED, null, 0, null, null, null, timings(0, null, null, arrived),
                new ResultMessage.ErrorInfo("QUEUE_FULL", "the device's queue of " + config.queueSize()
                        + " samples is full; try again later")), m);
    }

    private String decodingIdOf(Incoming m) {
        return decoding.sampleIdOf(m);
    }

    /** Hands an answer to the answer stage, which publishes it and then acknowledges {@code source}. */
    private void publish(ResultMessage r, Incoming source) {
        answers.submit(r, source);
    }

    private ResultMessage result(String id, ResultMessage.Status status, ResultMessage.Prediction p, int split,
                                 Encoding enc, Compression comp, Double finalConf, ResultMessage.Timings t,
                                 ResultMessage.ErrorInfo error) {
        return new ResultMessage(id, config.deviceId(), pkg.manifest().id(), status, p,
                status == ResultMessage.Status.OK && enc != null ? ResultMessage.Location.GATEWAY
                        : ResultMessage.Location.DEVICE, split, enc, comp, finalConf, t, error);
    }

    private ResultMessage.Timings timings(long deviceNanos, Duration link, Duration gw, long arrived) {
        return new ResultMessage.Timings(deviceNanos == 0 ? null : Duration.ofNanos(deviceNanos), link, gw,
                Duration.ofNanos(Math.max(0, nanos.getAsLong() - arrived)));
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 1000 ? s.substring(0, 1000) : s;
    }

    /** Pending offload ids, for a shutdown log line. */
    List<String> pendingIds() {
        return List.copyOf(pending.keySet());
    }

    void close() {
        answers.close();
        encoder.close();
    }
}
