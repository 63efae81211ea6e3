package io.splitee.gateway.service;

import io.splitee.gateway.batch.MicroBatcher;
import io.splitee.gateway.config.GatewayConfig;
import io.splitee.lifecycle.Heartbeats;
import io.splitee.lifecycle.Threads;
import io.splitee.metrics.MetricsEndpoint;
import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.replyauth.ReplyKey;
import io.splitee.wire.DecodeLimits;
import io.splitee.wire.FrameDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offload gateway: completes the inference of samples that devices offload.
 *
 * <p>{@link #start} loads and validates every configured model package, opens one runner per model
 * for each worker, subscribes to {@code $share/<group>/splitee/+/features} with a persistent session
 * and serves: each frame is validated against every served model (id and manifest SHA-256), frames
 * that need the same model, manifest and first block are batched, the remaining blocks and the final
 * exit run as one ONNX Runtime call per batch, and each frame is answered on its response topic and
 * acknowledged only after the answer is with the broker. A bad frame gets an {@code error} answer
 * naming the problem, a full queue an {@code overloaded} answer; the gateway keeps serving.
 *
 * <p>{@link #close} shuts down gracefully within {@code shutdown.grace}: new frames are left to the
 * broker (redelivered to this instance's session when it comes back), everything queued is answered,
 * then it disconnects, keeping its session. Both are idempotent.
 *
 * <p>Threads: the MQTT client's (callback: decode and enqueue only), {@code splitee-gw-<id>-worker-<n>}
 * (inference), {@code splitee-gw-<id>-answers} (publishes every answer under the answer rule) and
 * {@code splitee-gw-<id>-metrics} when the metrics endpoint is on.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /**
     * Answers that may wait for the answers thread after their frames were acknowledged because its backlog was
     * full (a few hundred bytes each, so at most some tens of MB).
     */
    static final int DETACHED_ANSWERS = 65_536;
    /** Passes of {@link Worker#warmUp} over every segment before the first frame. */
    static final int WARM_UP_PASSES = 3;

    private final GatewayConfig config;
    private final ServedModels models;
    private final List<List<SegmentRunner>> runners; // [worker][model]
    private final MetricsEndpoint metricsEndpoint;
    private final GatewayMetrics metrics;
    private final MicroBatcher<Job.Key, Job> batcher;
    private final FrameDecoder decoder;
    private final Transport transport;
    private final Answers answers;
    private final Intake intake;
    private final List<Thread> workers = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    /** The configuration key of the reply key file. */
    static final String REPLY_KEY = "offload.reply-key-file";

    private Gateway(GatewayConfig config, ServedModels models, List<List<SegmentRunner>> runners,
                    MetricsEndpoint metricsEndpoint, Heartbeats heartbeats) {
        this.config = config;
        this.models = models;
        this.runners = runners;
        this.metricsEndpoint = metricsEndpoint;
        this.batcher = new MicroBatcher<>(config.queueSize(), config.batch().maxSize(), config.batch().maxWait());
        this.metrics = new GatewayMetrics(metricsEndpoint.registry(), batcher::size);
        int maxElements = Math.max(DecodeLimits.DEFAULT.maxTensorElements(), models.maxTensorElements());
        this.decoder = new FrameDecoder(models, new DecodeLimits(config.maxFrameBytes(), maxElements));
        this.transport = Transport.mqtt(mqttSettings(config));
        String prefix = "splitee-gw-" + config.gatewayId();
        ReplyKey replyKey = config.replyKeyFile().map(f -> ReplyKey.load(REPLY_KEY, f)).orElse(null);
        this.answers = new Answers(transport, replyKey, metrics, prefix + "-answers", Math.max(1024, 4 * config.queueSize()),
                Math.max(64, 4 * config.workers() * config.batch().maxSize()), DETACHED_ANSWERS);
        StaleFrames stale = new StaleFrames(metrics.expired, answers);
        this.intake = new Intake(models, decoder, batcher, answers, metrics, config.queueSize(), stale);
        for (int i = 0; i < config.workers(); i++) {
            String name = prefix + "-worker-" + (i + 1);
            Worker w = new Worker(batcher, runners.get(i), answers, metrics, heartbeats.register(name),
                    stale);
            workers.add(Threads.factory(name, false).newThread(w));
        }
    }

    /**
     * Starts a gateway.
     *
     * @param config the validated configuration
     * @return the running gateway; close it
     * @throws StartupException naming what failed: a model package, the broker connection, the metrics port
     */
    public static Gateway start(GatewayConfig config) throws StartupException {
        return start(config, Heartbeats.system());
    }

    /**
     * Starts a gateway whose workers each beat a heartbeat registered in {@code heartbeats} (every batch, and at
     * least every {@link Worker#IDLE_POLL} while idle), for the service layer's watchdog.
     *
     * @throws StartupException as {@link #start(GatewayConfig)}
     */
    public static Gateway start(GatewayConfig config, Heartbeats heartbeats) throws StartupException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(heartbeats, "heartbeats");
        try { // a reply key that cannot be used fails the start, naming offload.reply-key-file
            config.replyKeyFile().ifPresent(f -> ReplyKey.load(REPLY_KEY, f));
        } catch (IllegalArgumentException e) {
            throw new StartupException(StartupException.Part.REPLY_KEY, e.getMessage(), e);
        }
        List<ModelPackage> packages = new ArrayList<>();
        for (Path dir : config.models()) {
            try {
                packages.add(ModelPackage.load(dir));
            } catch (ModelPackageException e) {
                throw new StartupException(StartupException.Part.MODELS, "models: " + dir + ": " + e.getMessage(), e);
            }
        }
        ServedModels models;
        try {
            models = new ServedModels(packages);
        } catch (IllegalArgumentException e) {
            throw new StartupException(StartupException.Part.MODELS, e.getMessage(), e);
        }
        List<List<SegmentRunner>> runners = new ArrayList<>();
        RunnerConfig rc = RunnerConfig.defaults().withIntraOpThreads(config.intraOpThreads()).withFused(false);
        try {
            for (int w = 0; w < config.workers(); w++) {
                List<SegmentRunner> perModel = new ArrayList<>();
                runners.add(perModel);
                for (ServedModel m : models.all()) {
                    SegmentRunner r = OrtSegmentRunner.open(m.pkg, rc);
                    perModel.add(r);
                    Worker.warmUp(r, m, WARM_UP_PASSES);
                }
            }
        } catch (ModelPackageException | RuntimeException e) {
            runners.forEach(l -> l.forEach(SegmentRunner::close));
            String why = e instanceof ModelPackageException ? e.getMessage() : e.toString();
            throw new StartupException(StartupException.Part.MODELS, "models: ONNX Runtime cannot open a model: "
                    + why, e);
        }
        Gateway g = new Gateway(config, models, runners, new MetricsEndpoint(), heartbeats);
        try {
            g.begin();
        } catch (StartupException | RuntimeException e) {
            g.release();
            throw e;
        }
        return g;
    }

    static MqttSettings mqttSettings(GatewayConfig c) {
        return c.mqtt().settings(c.clientId())
                .receiveMaximum(c.receiveMaximum())
                // the largest frame it accepts plus room for the topic and properties: the broker drops larger ones
                .maxIncomingPacketSize(c.maxFrameBytes() + 64 * 1024)
                .will(new MqttSettings.Will(c.statusTopic(), will(c), 1, true))
                .build();
    }

    /**
     * The last will: {@code {"gateway":"<id>","state":"offline","connected_at":"<connect time>"}}. The broker
     * publishes it whenever that connection is lost, so it carries no {@code time} (the connect time read as
     * the time of going offline).
     */
    static byte[] will(GatewayConfig c) {
        return ("{\"gateway\":\"" + c.gatewayId() + "\",\"state\":\"offline\",\"connected_at\":\""
                + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"gateway":"<id>","state":"<state>","time":"<now>"}}, the retained status. */
    static byte[] status(GatewayConfig c, String state) {
        return ("{\"gateway\":\"" + c.gatewayId() + "\",\"state\":\"" + state + "\",\"time\":\""
                + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private CompletableFuture<Void> publishStatus(String state) {
        return transport.publish(Outgoing.builder(config.statusTopic(), status(config, state)).qos(1)
                .retained(true).contentType("application/json").build());
    }

    private void begin() throws StartupException {
        if (config.metricsPort() > 0) {
            try {
                metricsEndpoint.start(config.metricsBind(), config.metricsPort(), "splitee-gw-" + config.gatewayId() + "-metrics");
            } catch (IOException e) {
                throw new StartupException(StartupException.Part.METRICS, "metrics.port " + config.metricsPort() + ": "
                        + e.getMessage(), e);
            }
        }
        workers.forEach(Thread::start); // before connecting: a resumed session delivers at once
        try {
            transport.subscribe(config.subscription(), 1, intake);
            transport.start();
        } catch (TransportException e) {
            throw new StartupException(StartupException.Part.BROKER, "broker " + config.mqtt().uri() + ": "
                    + e.getMessage(), e);
        }
        publishStatus("online");
        List<String> served = new ArrayList<>();
        for (ServedModel m : models.all()) {
            served.add(m.toString());
        }
        LOG.info("gateway {} serving {} on {} as {}: {} worker(s), batches of up to {} within {}, queue {}",
                config.gatewayId(), served, config.mqtt().uri(), config.subscription(), config.workers(),
                config.batch().maxSize(), config.batch().maxWait(), config.queueSize());
    }

    /** The registry holding this gateway's meters (also when the HTTP endpoint is off). */
    public MetricsEndpoint metrics() {
        return metricsEndpoint;
    }

    /** The configuration this gateway runs with. */
    public GatewayConfig config() {
        return config;
    }

    /** Frames waiting for a worker right now. */
    public int queued() {
        return batcher.size();
    }

    /**
     * One line for a service manager's status, e.g. {@code serving: 1234 frames, 1230 answered, 4 overloaded, 0
     * queued, broker connected}.
     */
    public String statusLine() {
        return "serving: " + (long) metrics.frames.count() + " frames, " + (long) metrics.answersOk.count()
                + " answered, " + (long) metrics.overloaded.count() + " overloaded, " + batcher.size() + " queued, broker "
                + (transport.isConnected() ? "connected" : "disconnected");
    }

    /** Whether the broker connection is up right now. */
    public boolean isConnected() {
        return transport.isConnected();
    }

    /** Blocks until the gateway has stopped (after {@link #close()}). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Graceful shutdown within {@code shutdown.grace}: stop taking frames (they stay with the broker),
     * answer everything queued, wait for the broker to take the answers, disconnect (keeping the
     * session). Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long end = System.nanoTime() + config.shutdownGrace().toNanos();
        int queued = batcher.size();
        LOG.info("gateway {} stopping: answering {} queued frame(s), new frames stay with the broker",
                config.gatewayId(), queued);
        intake.stop();
        batcher.close();
        try {
            for (Thread w : workers) {
                w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            }
            if (!answers.awaitSettled(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) {
                LOG.warn("shutdown grace {} ran out with {} answer(s) unconfirmed; the broker redelivers their frames",
                        config.shutdownGrace(), answers.outstanding());
            }
            // A barrier: the broker handles a connection's packets in order, so once it acknowledges this
            // publish it has also taken every frame acknowledgement sent before it. Without it the socket may
            // close (reset by frames still arriving) before the broker read them, and it would redeliver
            // frames that were answered.
            publishStatus("offline").get(Math.max(1000, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("offline status not confirmed ({}); the broker may redeliver frames answered just now",
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Thread w : workers) {
            if (w.isAlive()) {
                LOG.warn("{} still busy after the shutdown grace; interrupting it", w.getName());
                w.interrupt();
            }
        }
        release();
        LOG.info("gateway {} stopped", config.gatewayId());
        stopped.countDown();
    }

    private void release() {
        intake.stop();
        batcher.close();
        transport.close(); // no more callbacks after this: the decoder is free
        answers.close();
        for (Thread w : workers) {
            try {
                w.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        decoder.close();
        runners.forEach(l -> l.forEach(SegmentRunner::close));
        metricsEndpoint.close();
    }

    /** The gateway could not start; the message names the part that failed. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        /** What failed. */
        public enum Part {
            /** A model package is missing or invalid, or ONNX Runtime refused it: a configuration problem. */
            MODELS,
            /** The broker refused or could not be reached. */
            BROKER,
            /** The metrics port could not be bound. */
            METRICS,
            /** {@code offload.reply-key-file} cannot be used (unreadable, readable by others, too short): a configuration problem. */
            REPLY_KEY
        }

        private final Part part;

        StartupException(Part part, String message, Throwable cause) {
            super(message, cause);
            this.part = part;
        }

        /** @return what failed */
        public Part part() {
            return part;
        }
    }
}
