package io.splitee.device.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.splitee.answers.AnswerRule;
import io.splitee.device.coap.CoapService;
import io.splitee.device.coap.SampleSink;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.device.gpio.Board;
import io.splitee.device.gpio.Gpio;
import io.splitee.device.gpio.GpioException;
import io.splitee.device.gpio.Pi4jGpio;
import io.splitee.device.state.StateStore;
import io.splitee.device.status.DeviceStatus;
import io.splitee.device.status.Status;
import io.splitee.engine.CostModel;
import io.splitee.engine.EngineConfig;
import io.splitee.engine.PaperCost;
import io.splitee.engine.Characteristic;
import io.splitee.engine.Policies;
import io.splitee.engine.Policy;
import io.splitee.engine.PolicyState;
import io.splitee.lifecycle.Heartbeat;
import io.splitee.lifecycle.Heartbeats;
import io.splitee.lifecycle.Threads;
import io.splitee.metrics.MetricsEndpoint;
import io.splitee.model.ModelPackage;
import io.splitee.model.ModelPackageException;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.replyauth.ReplyKey;
import io.splitee.mqtt.TransportException;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.onnx.SegmentRunner;
import io.splitee.wire.DecodeLimits;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device daemon. {@link #start} loads and validates the model package, opens the runner,
 * restores the engine's state if it was saved for this model, connects to the broker and starts
 * serving; {@link #close} shuts down gracefully: it stops taking samples, answers every sample in
 * flight (offloads get until their deadline), saves the state, marks the device offline and
 * disconnects, all within {@code shutdown.grace}. Both are idempotent.
 *
 * <p>Samples that arrive while the daemon is stopping are not acknowledged: the broker keeps them in
 * the device's session and delivers them when the daemon comes back.
 */
public final class DeviceDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceDaemon.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest sample payload accepted (a camera JPEG); frames are further bounded by the decoder. */
    static final int MAX_SAMPLE_BYTES = 4 * 1024 * 1024;
    /**
     * The Maximum Packet Size the device announces: the largest sample plus room for the topic and properties.
     * The broker drops anything larger for this client, so no message can exhaust a small heap (a 60 MB
     * message once left the daemon alive but deaf, out of memory in the MQTT receive thread after every
     * reconnect).
     */
    static final int MAX_INCOMING_PACKET = MAX_SAMPLE_BYTES + 64 * 1024;

    private final DeviceConfig config;
    private final ModelPackage pkg;
    private final SegmentRunner runner;
    private final Transport transport;
    private final Learner learner;
    /** The policy's change-detector alarms, counted and logged. */
    private final ChangeAlarms changes;
    private final CostEstimates estimates;
    private final StateStore state;
    /** When the state is saved (the worker's only). */
    private final StateSaves saves;
    private final MetricsEndpoint metricsEndpoint;
    private final DeviceMetrics metrics;
    private final DeviceStatus deviceStatus;
    private final EventLoop loop;
    private final Pipeline pipeline;
    private final ScheduledExecutorService timer;
    private final Thread worker;
    /**
     * The worker loop's sign of life for the service manager's watchdog (the service layer owns the heartbeats);
     * registered in {@link #begin}, before the worker starts.
     */
    private Heartbeat heartbeat;
    private final FrameDecoder decoder;
    private final Board board;
    private final MeasuredCosts measured;
    /** The measured prices with the other exit-head rule (every exit on the way, or the arm's only), for reports. */
    private final MeasuredCosts measuredOtherExits;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** CoAP requests in the pipeline, answered directly; the CoAP server, when coap.enabled. */
    private final DirectSources direct = new DirectSources();
    /** Whether a backlog has lasted beyond queue.overload.after (worker thread only). */
    private final Backlog backlog;
    private volatile CoapService coap;
    /** Whether samples are being answered overloaded (worker thread only). */
    private boolean shedding;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private volatile boolean closed;

    private DeviceDaemon(DeviceConfig config, ModelPackage pkg, SegmentRunner runner, Transport transport,
                         MetricsEndpoint metricsEndpoint, Board board) {
        this.config = config;
        this.board = board;
        this.pkg = pkg;
        this.runner = runner;
        this.transport = transport;
        this.metricsEndpoint = metricsEndpoint;
        int depth = runner.depth();
        this.estimates = new CostEstimates(depth, 0.1, CostEstimates.WARM_UP_OFFLOADS);
        this.state = new StateStore(config.service().stateDir(), config.deviceId(), pkg.manifestSha256Bytes());
        this.decoder = new FrameDecoder(ModelCatalog.of(pkg.manifest().id(), new ManifestHash(pkg.manifestSha256Bytes()),
                List.of(OffloadFrames.tensors(pkg))), DecodeLimits.DEFAULT);

        ArmMapping arms = ArmMapping.of(config.policy().rawSampleArm());
        boolean everyExit = config.policy().spec().has(Characteristic.EVALUATES_EVERY_EXIT);
        this.measured = config.cost().mode() == DeviceConfig.Cost.Mode.PAPER ? null : measuredCosts(pkg, everyExit);
        this.measuredOtherExits = measured == null ? null : measuredCosts(pkg, !everyExit);
        CostModel costModel = measured == null ? new PaperCost(config.cost().lambda(), config.cost().offloadCost())
                : arms.costModel(measured);
        EngineConfig engineConfig = new EngineConfig(arms.engineArms(depth),
                config.policy().threshold(), costModel, config.policy().ucbC(), config.policy().seed());
        Policy policy = restoreOrCreate(engineConfig);

        this.deviceStatus = new DeviceStatus(config.deviceId(), config.policy().name(), depth, System::nanoTime);
        this.metrics = new DeviceMetrics(metricsEndpoint.registry(), depth, estimates, deviceStatus);
        this.loop = new EventLoop(config.service().queueSize());
        this.backlog = new Backlog(config.service().overloadAfter(), receiveMaximum(config), transport::unacknowledged,
                System::nanoTime);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Threads.factory("splitee-" + config.deviceId() + "-timer", true));
        this.saves = new StateSaves(config.service().stateSaveEvery(), config.service().stateSaveInterval(),
                System::nanoTime);
        this.changes = new ChangeAlarms(metrics.changesDetected, config.deviceId());
        this.learner = new Learner(policy, engineConfig, arms, changes, () -> {
            if (saves.recorded()) {
                saveLater();
            }
        });
        this.pipeline = assemble(learner, measured);
        this.worker = Threads.factory("splitee-" + config.deviceId() + "-worker", false).newThread(this::work);
    }

    private MeasuredCosts measuredCosts(ModelPackage pkg, boolean everyExit) {
        long[] frameBytes = OffloadFrames.sizes(pkg, config.offload().encoding());
        MeasuredCosts m = new MeasuredCosts(estimates, config.cost().perDeviceMs(), config.cost().perLinkMs(),
                config.offload().payload(), new MeasuredCosts.PayloadBytes(a -> frameBytes[a], frameBytes[0]),
                everyExit);
        // gpio: with a power sensor, energy is priced too (cost.weight.millijoule)
        board.energy().ifPresent(e -> m.withEnergy(e, config.cost().perMillijoule()));
        return m;
    }

    /** The worker's stages, wired; deadlines and publish failures come back through the event loop. */
    private Pipeline assemble(Learner learner, MeasuredCosts measured) {
        LongSupplier nanos = System::nanoTime;
        Answers answers = new Answers(transport,
                new Answers.Results(config.resultsTopic(), config.service().resultsQos()),
                "splitee-" + config.deviceId() + "-answers",
                AnswerRule.DEFAULT, metrics.answerCounters(), direct);
        Core core = new Core(config, new Compute(runner, estimates, board.energy().orElse(null), nanos,
                config.model().boardSlowdown()),
                new Results(config, pkg, nanos), answers,
                metrics, nanos);
        Offloads.Deadlines deadlines = (after, task) -> {
            ScheduledFuture<?> f = timer.schedule(() -> loop.post(task), after.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
        Offloads offloads = new Offloads(config.offload(), measured, deadlines);
        GatewayBreaker breaker = new GatewayBreaker(config.offload().deadline(), config.offload().probeInterval(), nanos);
        OffloadFrames frames = new OffloadFrames(pkg, config.offload());
        OnDevice onDevice = new OnDevice(core, learner);
        Offloader offloader = new Offloader(core, onDevice, offloads, breaker,
                new Offloader.Link(transport, frames, estimates, loop::post));
        SampleDecoding decoding = new SampleDecoding(decoder, pkg.manifest().input(), MAX_SAMPLE_BYTES);
        return new Pipeline(core, new Pipeline.Stages(learner, decoding, onDevice, offloader, frames));
    }

    /**
     * Starts a daemon.
     *
     * @throws StartupException naming what failed: the model package, the broker connection, the metrics port
     */
    public static DeviceDaemon start(DeviceConfig config) throws StartupException {
        return start(config, Heartbeats.system());
    }

    /**
     * Starts a daemon whose worker loop beats a heartbeat registered in {@code heartbeats} (every iteration, idle
     * ones included: at least every 50 ms while it is not running a sample), for the service layer's watchdog.
     *
     * @throws StartupException naming what failed: the model package, the broker connection
     *     ({@link StartupException#peerUnavailable()}), the metrics port
     */
    public static DeviceDaemon start(DeviceConfig config, Heartbeats heartbeats) throws StartupException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(heartbeats, "heartbeats");
        ModelPackage pkg;
        try {
            pkg = ModelPackage.load(config.model().dir());
        } catch (ModelPackageException e) {
            throw new StartupException("model package " + config.model().dir() + ": " + e.getMessage(), e);
        }
        SegmentRunner runner;
        try {
            runner = OrtSegmentRunner.open(pkg, RunnerConfig.defaults()
                    .withIntraOpThreads(config.model().intraOpThreads()).withFused(false));
        } catch (ModelPackageException e) {
            throw new StartupException("model package " + config.model().dir() + ": " + e.getMessage(), e);
        }
        try { // fixed:K with K > L: a configuration error only the model can tell
            config.policy().requireFits(runner.depth());
        } catch (IllegalArgumentException e) {
            runner.close();
            throw new StartupException(e.getMessage(), e);
        }
        Gpio gpio = null;
        if (config.gpio().enabled()) { // gpio: Pi4J on this board; the configured pins are opened in start() below
            try {
                gpio = Pi4jGpio.board();
            } catch (GpioException e) {
                runner.close();
                throw new StartupException(e.getMessage(), e);
            }
        }
        MetricsEndpoint metricsEndpoint = new MetricsEndpoint();
        Transport transport;
        try {
            transport = Transport.mqtt(mqttSettings(config));
        } catch (IllegalArgumentException e) { // mqtt.client=hivemq: this jar ships Paho only
            runner.close();
            if (gpio != null) {
                gpio.close();
            }
            throw new StartupException(e.getMessage(), e);
        }
        return start(config, pkg, runner, transport, metricsEndpoint, gpio, heartbeats);
    }

    /**
     * Starts a daemon on a loaded package, an open runner and a transport not started yet (tests pass
     * test doubles); on failure releases all three.
     */
    static DeviceDaemon start(DeviceConfig config, ModelPackage pkg, SegmentRunner runner, Transport transport,
                              MetricsEndpoint metricsEndpoint) throws StartupException {
        return start(config, pkg, runner, transport, metricsEndpoint, null);
    }

    /**
     * As above, with the board's pins and buses ({@code gpio.enabled=true}: a board's Pi4J, or Pi4J's mock platform
     * in tests), which the daemon then owns; a configured pin or bus that cannot be opened fails the start naming
     * its key.
     */
    static DeviceDaemon start(DeviceConfig config, ModelPackage pkg, SegmentRunner runner, Transport transport,
                              MetricsEndpoint metricsEndpoint, Gpio gpio) throws StartupException {
        return start(config, pkg, runner, transport, metricsEndpoint, gpio, Heartbeats.system());
    }

    private static DeviceDaemon start(DeviceConfig config, ModelPackage pkg, SegmentRunner runner, Transport transport,
                                      MetricsEndpoint metricsEndpoint, Gpio gpio, Heartbeats heartbeats)
            throws StartupException {
        try { // a reply key that cannot be used fails the start, naming offload.reply-key-file
            config.offload().replyKeyFile().ifPresent(f -> ReplyKey.load(Offloader.REPLY_KEY, f));
        } catch (IllegalArgumentException e) {
            transport.close();
            runner.close();
            metricsEndpoint.close();
            if (gpio != null) {
                gpio.close();
            }
            throw new StartupException(e.getMessage(), e);
        }
        Board board;
        try {
            board = Board.open(config.gpio(), config.deviceId(), runner.depth(), gpio);
        } catch (GpioException e) {
            transport.close();
            runner.close();
            metricsEndpoint.close();
            throw new StartupException(e.getMessage(), e);
        }
        DeviceDaemon d = new DeviceDaemon(config, pkg, runner, transport, metricsEndpoint, board);
        try {
            d.begin(heartbeats);
        } catch (StartupException | RuntimeException e) {
            d.release();
            throw e;
        }
        return d;
    }

    static MqttSettings mqttSettings(DeviceConfig c) {
        return c.mqtt().settings("splitee-device-" + c.deviceId())
                .receiveMaximum(receiveMaximum(c))
                .maxIncomingPacketSize(MAX_INCOMING_PACKET)
                .will(new MqttSettings.Will(c.statusTopic(), will(c), 1, true))
                .persistenceDir(mqttStore(c, System.getenv("RUNTIME_DIRECTORY")))
                .build();
    }

    /**
     * Where the MQTT client keeps the answers in flight across a restart of the process: {@code mqtt/} in the
     * runtime directory ({@code state.runtime-dir}, else {@code runtimeDirectory}, the service manager's
     * {@code $RUNTIME_DIRECTORY}, else {@code state.dir}); the client adds a directory named after its client id.
     */
    static Path mqttStore(DeviceConfig c, String runtimeDirectory) {
        return c.service().state().runtimeDir(runtimeDirectory).resolve("mqtt");
    }

    /**
     * The last will: {@code offline} with {@code connected_at}, the time the connection it stands for was
     * made. The broker publishes it whenever that connection is lost, so it carries no {@code time}: the
     * broker cannot say when, and the connect time read as the time of going offline was misleading.
     */
    static byte[] will(DeviceConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("device", c.deviceId());
        n.put("state", "offline");
        n.put("connected_at", Instant.now().toString());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The Receive Maximum the device announces: {@code queue.size}, at most 65,535 (MQTT's largest). The broker
     * hands the device no more unacknowledged samples than this and holds the rest of a backlog; a sample is
     * acknowledged once its answer is out.
     */
    static int receiveMaximum(DeviceConfig c) {
        return Math.min(65_535, c.service().queueSize());
    }

    static byte[] status(DeviceConfig c, String state) {
        return statusNode(c, state).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode statusNode(DeviceConfig c, String state) {
        ObjectNode n = JSON.createObjectNode();
        n.put("device", c.deviceId());
        n.put("state", state);
        n.put("time", Instant.now().toString());
        return n;
    }

    private Policy restoreOrCreate(EngineConfig engineConfig) {
        Optional<byte[]> saved = state.load();
        if (saved.isPresent()) {
            try {
                JsonNode n = JSON.readTree(saved.get());
                PolicyState ps = PolicyState.fromBytes(Base64.getDecoder().decode(n.get("policy").asText()));
                if (!ps.policy().equals(config.policy().name())) {
                    // e.g. a device that learned under splitee-s (the default before issue 14) and restarts with
                    // the new default: the statistics of one spec mean nothing to another, so none are carried over
                    LOG.warn("saved state {} is for policy {} but policy {} is configured; starting fresh (the next save "
                            + "replaces it; set policy={} to keep learning from it)", state.file(), ps.policy(),
                            config.policy().name(), ps.policy());
                } else {
                    // the estimates first: a state from before choice-time pricing is migrated at the current prices
                    JsonNode c = n.get("costs");
                    if (c != null) {
                        estimates.restore(JSON.treeToValue(c, CostEstimates.Snapshot.class));
                    }
                    Policy p = Policies.restore(ps, engineConfig);
                    LOG.info("restored engine state from {}: round {}, plays {}", state.file(), ps.round(),
                            java.util.Arrays.toString(ps.updateCounts()));
                    return p;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("saved state {} is unreadable ({}); starting fresh", state.file(), e.toString());
            }
        }
        return Policies.parse(config.policy().name(), engineConfig);
    }

    private byte[] snapshotState() {
        ObjectNode n = JSON.createObjectNode();
        n.put("saved", Instant.now().toString());
        n.put("policy", Base64.getEncoder().encodeToString(learner.policy().snapshot().toBytes()));
        n.set("costs", JSON.valueToTree(estimates.snapshot()));
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void begin(Heartbeats heartbeats) throws StartupException {
        heartbeat = heartbeats.register(worker.getName());
        board.start(deviceStatus, new ButtonActions(), metricsEndpoint.registry()); // gpio: LED, button, power
        if (config.service().metricsPort() > 0) {
            try {
                metricsEndpoint.start(config.service().metricsBind(), config.service().metricsPort(), "splitee-" + config.deviceId() + "-metrics");
            } catch (IOException e) {
                throw new StartupException("metrics.port " + config.service().metricsPort() + ": " + e.getMessage(), e);
            }
        }
        try {
            transport.subscribe(config.samplesTopic(), 1, this::intake);
            // QoS 0: the gateway's answers do not count against the Receive Maximum, so a window full of
            // samples (a backlog, each offload waiting for its answer) never holds them back behind the
            // broker's queue of samples. One lost with its connection ends as a deadline miss.
            transport.subscribe(config.repliesTopic(), 0, m -> {
                long at = pipeline.now(); // the round trip ends on arrival, not when the worker is free
                if (!loop.post(() -> pipeline.onReply(m, at))) {
                    LOG.warn("control inbox full; gateway answer for {} dropped", m.topic());
                }
            });
            transport.start();
        } catch (TransportException e) {
            throw new StartupException("broker " + config.mqtt().uri() + ": " + e.getMessage(), e, true);
        }
        // before the worker takes the samples the broker redelivers: those answered by the process before this one
        int restored = pipeline.restoreAnswered(transport.earlierPublishes());
        if (restored > 0) {
            LOG.info("device {}: {} samples answered by the process before this one (answers in the MQTT client's"
                    + " store); a redelivery of one is acknowledged without a second answer", config.deviceId(),
                    restored);
        }
        transport.publish(Outgoing.builder(config.statusTopic(), status(config, "online")).qos(1).retained(true)
                .contentType("application/json").build());
        save(snapshotState()); // at start (the worker is not running yet): a restored or fresh state is on disk at once
        worker.start();
        // checked every 100 ms: the warm-up probes (GatewayBreaker.WARM_UP_PROBE_INTERVAL) go at that pace
        long probeEvery = Math.min(GatewayBreaker.WARM_UP_PROBE_INTERVAL.toMillis(),
                Math.max(10, config.offload().probeInterval().toMillis() / 2));
        timer.scheduleWithFixedDelay(() -> loop.post(pipeline::maybeProbe), probeEvery, probeEvery,
                TimeUnit.MILLISECONDS);
        long tick = StateSaves.tick(config.service().stateSaveInterval()).toMillis();
        timer.scheduleWithFixedDelay(() -> loop.post(() -> {
            if (saves.timeDue()) {
                saveLater();
            }
        }), tick, tick, TimeUnit.MILLISECONDS);
        startCoap();
        deviceStatus.serving();
        LOG.info("device {} serving {} (model {} {}, manifest {}), policy {}, cost {}, α={}", config.deviceId(),
                config.samplesTopic(), pkg.manifest().id(), pkg.manifest().version(), pkg.manifestSha256(),
                config.policy().name(), config.cost().mode(), config.policy().threshold());
    }

    /**
     * Paho's callback thread: enqueues; never blocks, never refuses (the broker sends at most the Receive
     * Maximum and holds the rest).
     */
    private void intake(Incoming m) {
        if (stopping) {
            return; // not acknowledged: the broker delivers it again after the restart
        }
        loop.addSample(new EventLoop.Job(m, System.nanoTime()));
        metrics.queued.set(loop.queuedSamples());
    }

    // --- CoAP (io.splitee.device.coap): the server, and its samples entering the same queue -------------

    private void startCoap() throws StartupException {
        if (!config.coap().enabled()) {
            return;
        }
        try {
            coap = CoapService.start(new CoapService.Setup(config, deviceStatus, metricsEndpoint.registry(),
                    DecodeLimits.DEFAULT.maxFrameBytes()), this::offerDirect);
        } catch (IOException | RuntimeException e) {
            throw new StartupException("coap " + config.coap().bind() + ": " + e.getMessage(), e);
        }
    }

    /** A CoAP request's sample (on a CoAP thread): queued as an MQTT sample is, never blocks. */
    private SampleSink.Admission offerDirect(SampleSink.Posted sample, SampleSink.Reply reply) {
        if (stopping) {
            return SampleSink.Admission.STOPPING;
        }
        Incoming m = direct.register(sample, reply);
        if (!loop.offerDirect(new EventLoop.Job(m, System.nanoTime()))) {
            direct.forget(m);
            deviceStatus.overloaded();
            return SampleSink.Admission.QUEUE_FULL;
        }
        metrics.queued.set(loop.queuedSamples());
        return SampleSink.Admission.ACCEPTED;
    }

    /** The CoAP server, when {@code coap.enabled}: its ports. */
    public Optional<CoapService> coap() {
        return Optional.ofNullable(coap);
    }

    // ------------------------------------------------------------------------------------------------------

    private void work() {
        try {
            heartbeat.beat();
            if (measured != null) {
                pipeline.warmUp(); // the measurements price the arms: not the first runs
            }
            while (true) {
                heartbeat.beat();
                Object e = loop.take(50);
                if (e instanceof Runnable r) {
                    r.run();
                } else if (e instanceof EventLoop.Job j) {
                    metrics.queued.set(loop.queuedSamples());
                    if (!direct.owns(j.message()) && shedding()) {
                        pipeline.answerOverloaded(j.message(), j.arrivedNanos(), backlog);
                    } else {
                        pipeline.process(j);
                    }
                } else if (stopping && loop.queuedSamples() == 0 && pipeline.idle()) {
                    break;
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error ex) {
            failure = ex;
            deviceStatus.failed();
            LOG.error("worker failed; the daemon stops (samples not acknowledged stay with the broker)", ex);
        } finally {
            stopped.countDown();
        }
    }

    /** On the worker, for a sample from the broker: whether the backlog has lasted beyond queue.overload.after. */
    private boolean shedding() {
        boolean shed = backlog.shed();
        if (shed != shedding) {
            shedding = shed;
            if (shed) {
                LOG.warn("device {} has held at least {} samples from the broker for more than {} (queue.overload.after)"
                        + " without a break: samples arrive faster than it computes them; answering them overloaded "
                        + "until the backlog is gone", config.deviceId(), backlog.halfWindow(), backlog.overloadAfter());
            } else {
                LOG.info("device {}: backlog gone; computing samples again", config.deviceId());
            }
        }
        return shed;
    }

    /** Worker: the state as it is now, written by the timer thread. */
    private void saveLater() {
        byte[] snapshot = snapshotState();
        timer.execute(() -> save(snapshot));
    }

    private void save(byte[] snapshot) {
        try {
            state.save(snapshot);
        } catch (IOException e) {
            LOG.warn("cannot save state to {}: {}", state.file(), e.toString());
        }
    }

    /** gpio: what the board's button asks; called on the gpio thread, so each returns at once. */
    private final class ButtonActions implements Board.Actions {
        @Override
        public void publishStatus(Status now) {
            ObjectNode n = statusNode(config, "online");
            ObjectNode s = n.putObject("status");
            s.put("state", now.state().jsonName());
            s.put("policy", now.policy());
            s.put("currentArm", now.currentArm());
            s.put("mostPlayedArm", now.mostPlayedArm());
            s.put("samples", now.samples());
            s.put("answeredOnDevice", now.answeredOnDevice());
            s.put("offloaded", now.offloaded());
            s.put("overloaded", now.overloaded());
            s.put("errors", now.errors());
            s.put("gatewayUp", now.gatewayUp());
            n.put("trigger", "button");
            transport.publish(Outgoing.builder(config.statusTopic(), n.toString().getBytes(StandardCharsets.UTF_8))
                    .qos(1).retained(true).contentType("application/json").build());
        }

        @Override
        public void resetLearnedState() {
            loop.post(() -> { // worker: the policy's state as it is now; the timer writes the backup
                byte[] before = snapshotState();
                timer.execute(() -> {
                    String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                            .withZone(java.time.ZoneOffset.UTC).format(Instant.now());
                    StateStore backup = new StateStore(config.service().stateDir(),
                            config.deviceId() + ".backup-" + stamp, pkg.manifestSha256Bytes());
                    try {
                        backup.save(before);
                    } catch (IOException e) {
                        LOG.warn("learned state not reset: cannot save the backup {}: {}", backup.file(), e.toString());
                        return;
                    }
                    loop.post(() -> {
                        learner.reset();
                        saves.saved();
                        saveLater();
                        LOG.info("learned policy state reset; the previous state is saved in {}", backup.file());
                    });
                });
            });
        }
    }

    /**
     * The measured cost model's prices now ({@code cost.mode=measured}'s units: the weights times the smoothed
     * milliseconds), for arms 0..L: {@code [0][a]} answering on the device at arm a (index 0 unused),
     * {@code [1][a]} offloading after arm a with the payload the model would choose (a = 0: the raw sample; a = L
     * unused); {@code [2]} and {@code [3]} the same with every exit head on the way charged (the prices of early exit
     * and of {@code leave=first} arms), {@code [0]} and {@code [1]} with only the arm's exit head, whatever the
     * daemon's policy. Reads estimates the worker thread writes: call it once the daemon is idle, e.g. before close.
     *
     * @throws IllegalStateException in paper mode, which has no measured cost model
     */
    public double[][] measuredPrices() {
        if (measured == null) {
            throw new IllegalStateException("cost.mode is paper: no measured prices");
        }
        int l = runner.depth();
        double[][] p = new double[4][l + 1];
        MeasuredCosts plain = measured.everyExit() ? measuredOtherExits : measured;
        MeasuredCosts every = measured.everyExit() ? measured : measuredOtherExits;
        for (int a = 0; a <= l; a++) {
            p[0][a] = a == 0 ? Double.NaN : plain.onDevice(a);
            p[1][a] = a == l ? Double.NaN : plain.offload(a).cost();
            p[2][a] = a == 0 ? Double.NaN : every.onDevice(a);
            p[3][a] = a == l ? Double.NaN : every.offload(a).cost();
        }
        return p;
    }

    /**
     * The policy rounds ({@code choose()} calls, which a saved state keeps counting) at which the policy's change
     * detector ({@code detect=ph}) fired in this process, oldest first: the latest {@value ChangeAlarms#KEPT} at
     * most; empty without a change detector. Their number is the counter {@code splitee.device.policy.changes.detected}
     * (which keeps counting past the kept ones). For reports; any thread.
     */
    public List<Long> changeRounds() {
        return changes.rounds();
    }

    /** The registry holding this daemon's meters. */
    public MetricsEndpoint metrics() {
        return metricsEndpoint;
    }

    /** What the device is doing, for the CoAP status resource, the status LED and the button. */
    public DeviceStatus deviceStatus() {
        return deviceStatus;
    }

    /** The measured cost model the engine prices arms by; null in paper mode (tests). */
    MeasuredCosts measuredCosts() {
        return measured;
    }

    /** The state file. */
    public java.nio.file.Path stateFile() {
        return state.file();
    }

    /** Why the worker died, if it did (then the daemon has stopped serving). */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Blocks until the daemon has stopped (after {@link #close()}, or when the worker failed). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Graceful shutdown within {@code shutdown.grace}: stop intake, answer everything in flight, save,
     * mark offline, disconnect. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        deviceStatus.stopping();
        long graceMs = config.service().shutdownGrace().toMillis();
        try {
            if (!stopped.await(graceMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("shutdown grace {} ran out with {} samples queued and offloads pending {}",
                        config.service().shutdownGrace(), loop.queuedSamples(), pipeline.pendingIds());
                worker.interrupt();
                stopped.await(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        save(snapshotState());
        try {
            transport.publish(Outgoing.builder(config.statusTopic(), status(config, "offline")).qos(1).retained(true)
                    .contentType("application/json").build()).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("offline status not confirmed: {}", e.toString());
        }
        release();
        LOG.info("device {} stopped; state saved to {}; {} redelivered samples answered by the process before this"
                + " one acknowledged without a second answer", config.deviceId(), state.file(),
                (long) metrics.restoredDuplicates.count());
    }

    private void release() {
        stopping = true;
        deviceStatus.close();
        board.close();
        timer.shutdownNow();
        transport.close();
        pipeline.close();
        if (coap != null) {
            coap.close(); // after the pipeline: requests still waiting were told they get no answer
        }
        decoder.close();
        runner.close();
        metricsEndpoint.close();
    }

    /** The daemon could not start; the message names the part that failed. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean peerUnavailable;

        StartupException(String message, Throwable cause) {
            this(message, cause, false);
        }

        StartupException(String message, Throwable cause, boolean peerUnavailable) {
            super(message, cause);
            this.peerUnavailable = peerUnavailable;
        }

        /**
         * Whether a peer failed, not the configuration: the broker refused the connection or could not be reached
         * (a later start may succeed).
         */
        public boolean peerUnavailable() {
            return peerUnavailable;
        }
    }

    /** The configuration this daemon runs with. */
    public DeviceConfig config() {
        return config;
    }
}
