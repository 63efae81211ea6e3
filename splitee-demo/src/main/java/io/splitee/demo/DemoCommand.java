package io.splitee.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.splitee.config.ConfigException;
import io.splitee.config.MqttConnection;
import io.splitee.demo.broker.EmbeddedBroker;
import io.splitee.demo.feed.ResultListener;
import io.splitee.demo.feed.SamplePublisher;
import io.splitee.demo.feed.Samples;
import io.splitee.demo.gateway.GatewayLauncher;
import io.splitee.demo.images.Distortion;
import io.splitee.demo.report.Report;
import io.splitee.demo.report.Settings;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.engine.PolicySpec;
import io.splitee.linkproxy.LinkProfile;
import io.splitee.linkproxy.LinkProxy;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import io.splitee.replay.Trace;
import io.splitee.replay.TraceException;
import io.splitee.wire.ResultMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the whole system in one process on the model's shipped test images, then a report.
 *
 * <p>Started in this order: an embedded MQTT 5 broker (unless {@code --broker}), a subscriber to the
 * device's results topic (the application), the gateway (connected directly to the broker), a
 * {@link LinkProxy} with the {@code --link} profile, the device daemon (device id {@code demo}, state
 * in a temporary folder) connected through the proxy, and a publisher streaming the images (distorted
 * with {@code --distortion}) at {@code --rate}. When every sample is answered everything is stopped
 * in reverse order and the report is written to {@code --out}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run broker, gateway, device and a sample stream in one process; print a comparison and write a report.")
final class DemoCommand implements Callable<Integer> {
    static final String DEVICE_ID = "demo";
    /** The default board slowdown (docs/demo.md, "The emulated board"). */
    static final String DEFAULT_BOARD = "pi4";

    /**
     * The named boards, each with a slowdown from a published time of the same architecture (docs/demo.md, "The
     * emulated board"): ResNet-18 on one thread in ncnn's benchmark/README.md (Tencent/ncnn) against ONNX Runtime
     * 1.29 on one thread here (50.85 ms, the fastest of 100 runs on the shared 2-core VM). Boards without such a
     * figure (the Pi 5) are not named: give their factor.
     */
    enum Board {
        PI4("pi4", "Raspberry Pi 4", 4.45, "ncnn's ResNet-18 on one Cortex-A72 core, 226.49 ms, against 50.85 ms here"),
        ZERO2W("zero2w", "Raspberry Pi Zero 2 W", 12.9,
                "ncnn's ResNet-18 on one Cortex-A53 core, 654.69 ms, against 50.85 ms here");

        final String flag;
        final String name;
        final double slowdown;
        final String source;

        Board(String flag, String name, double slowdown, String source) {
            this.flag = flag;
            this.name = name;
            this.slowdown = slowdown;
            this.source = source;
        }

        static Board of(double slowdown) {
            for (Board b : values()) {
                if (b.slowdown == slowdown) {
                    return b;
                }
            }
            return null;
        }
    }
    private static final Duration STALL = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Model model;

    @Mixin
    Options.Yardstick yardstick;

    @Option(names = "--samples", defaultValue = "5000", paramLabel = "N",
            description = "Samples to send, cycling through the shipped test images (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--rate", defaultValue = "50", paramLabel = "R", description = "Samples per second (default ${DEFAULT-VALUE}, "
            + "what the emulated Pi 4 keeps up with on this loaded 2-core machine: faster than it answers, and the queue in front of the device is measured as link time).")
    double rate;

    @Option(names = "--policy", paramLabel = "POLICY",
            description = "The device's policy: splitee, splitee-s, final, fixed:K, random or early-exit, with "
                    + "parameters (e.g. splitee-s:detect=ph; splitee-s:leave=first: arm a leaves at the first "
                    + "confident exit 1..a, docs/engine.md) (default " + DeviceConfig.PolicyConfig.DEFAULT_POLICY
                    + ", the device daemon's, which detects changes).")
    String policy;

    /** The link {@code --scenario link-drop} drops to, halfway through the samples. */
    static final String LINK_DROP_TO = "lte";

    @Option(names = "--scenario", defaultValue = "none", paramLabel = "S",
            description = "none, or link-drop: the emulated link drops to the lte profile (5 Mbit/s, 40 ms) once half "
                    + "the samples are answered (default ${DEFAULT-VALUE}).")
    String scenario;

    /** Set by call() for link-drop: the proxy to degrade, when, and to what. */
    private LinkProxy dropProxy;
    private int dropAt;
    private LinkProfile dropTo;

    @Option(names = "--broker", paramLabel = "URI",
            description = "Use this MQTT 5 broker (tcp://host:port) instead of the embedded one.")
    String broker;

    @Option(names = "--link", defaultValue = "wifi", paramLabel = "PROFILE",
            description = "Link between the device and the broker: none, wifi, lte, constrained or <kbit/s>kbit:<rtt>ms "
                    + "(default ${DEFAULT-VALUE}).")
    String link;

    @Option(names = "--cost", defaultValue = "measured", paramLabel = "MODE",
            description = "What the device's SplitEE minimises and every row of the report is priced in: paper (λ per "
                    + "block, o per offload) or measured (the device's own milliseconds of compute and link, as measured "
                    + "in the run); default ${DEFAULT-VALUE}.")
    String cost;

    @Option(names = "--board", defaultValue = DEFAULT_BOARD, paramLabel = "F",
            description = "Emulate a device board: pi4 (x4.45) or zero2w (x12.9), factors from published ResNet-18 times, "
                    + "or a factor F (runtime.board-slowdown: each block really takes F times as long), or none; "
                    + "default ${DEFAULT-VALUE} (see docs/demo.md).")
    String board;

    @Option(names = "--qos", defaultValue = "0", paramLabel = "QOS",
            description = "MQTT QoS of the samples, 0 or 1 (default ${DEFAULT-VALUE}; with HiveMQ CE, QoS 1 samples "
                    + "hold back the gateway's replies until the offload deadline: see docs/demo.md).")
    int qos;

    @Option(names = "--out", defaultValue = "splitee-report", paramLabel = "DIR",
            description = "Report folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A device configuration key (see splitee-device.example.properties); repeatable.")
    Map<String, String> deviceSettings = new LinkedHashMap<>();

    /** Whether stdout is a terminal; set by {@link DemoMain}. */
    boolean tty;

    @Override
    public Integer call() throws Exception {
        boolean linkDrop;
        switch (scenario.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> linkDrop = false;
            case "link-drop" -> linkDrop = true;
            default -> throw new InputException("--scenario must be none or link-drop, got '" + scenario + "'");
        }
        String policySpec = Options.policy(policy != null ? policy : DeviceConfig.PolicyConfig.DEFAULT_POLICY);
        Options.rate(rate);
        if (qos != 0 && qos != 1) {
            throw new InputException("--qos must be 0 or 1, got " + qos);
        }
        Distortion distortion = model.distortion();
        LinkProfile profile;
        try {
            profile = LinkProfile.parse(link);
        } catch (IllegalArgumentException e) {
            throw new InputException("--link: " + e.getMessage());
        }
        String costMode = cost.trim().toLowerCase(Locale.ROOT);
        if (!costMode.equals("paper") && !costMode.equals("measured")) {
            throw new InputException("--cost must be paper or measured, got '" + cost + "'");
        }
        DeviceConfig.Cost.Mode mode = costMode.equals("paper") ? DeviceConfig.Cost.Mode.PAPER
                : DeviceConfig.Cost.Mode.MEASURED;
        double slowdown = boardSlowdown(board);
        Settings settings = yardstick.settings();
        URI external = broker == null ? null : Options.broker(broker, false);
        ModelPackage pkg = model.load();
        int shipped = pkg.samples().count();
        if (samples < 1 || samples > 100_000) {
            throw new InputException("--samples must be in 1..100000 (the " + shipped + " images shipped with "
                    + pkg.manifest().id() + " cycle), got " + samples);
        }
        Options.policyFits(policySpec, settings, pkg);
        // the device's configuration with --set, checked before anything starts (the real one names the proxy's port)
        deviceConfig(pkg, pkg.directory(), 1883, policySpec, settings, mode, slowdown);
        Trace trace = readTrace(pkg, distortion);
        if (trace.samples() < shipped || trace.exits() != pkg.depth()) {
            throw new InputException("--model " + model.dir + ": trace " + distortion.traceName() + " has " + trace.samples()
                    + " rows and " + trace.exits() + " exits; need " + shipped + " rows and " + pkg.depth() + " exits");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        Path temp = Files.createTempDirectory("splitee-demo-");
        String runId = "r" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        List<AutoCloseable> open = new ArrayList<>();
        try {
            // 1. the broker
            String brokerUri;
            InetSocketAddress brokerAddress;
            String brokerText;
            if (external == null) {
                stdout.println("starting the embedded MQTT 5 broker (HiveMQ CE) ...");
                stdout.flush();
                EmbeddedBroker b;
                try {
                    b = EmbeddedBroker.start(temp.resolve("broker"));
                } catch (IOException e) {
                    throw new RunFailure(e.getMessage(), e);
                }
                open.add(b);
                brokerUri = b.uri();
                brokerAddress = b.address();
                brokerText = "embedded HiveMQ CE at " + brokerUri;
            } else {
                brokerUri = external.toString();
                brokerAddress = new InetSocketAddress(external.getHost(), external.getPort());
                brokerText = brokerUri;
            }
            // 2. the application's subscription, first, so no answer is missed
            ResultListener results;
            try {
                results = ResultListener.start(brokerUri, DEVICE_ID);
            } catch (TransportException e) {
                throw new InputException("--broker " + brokerUri + ": cannot connect (" + Options.why(e) + ")", e);
            }
            open.add(results);
            // 3. the gateway, directly on the broker
            GatewayLauncher.RunningGateway gateway;
            try {
                gateway = GatewayLauncher.inProcess().launch(pkg, brokerUri);
            } catch (Exception e) {
                throw new RunFailure("the gateway did not start: " + e.getMessage(), e);
            }
            open.add(gateway);
            // 4. the link between the device and the broker
            LinkProxy proxy = LinkProxy.start(brokerAddress, profile);
            open.add(proxy);
            if (linkDrop) {
                dropProxy = proxy;
                dropAt = samples / 2;
                dropTo = LinkProfile.parse(LINK_DROP_TO);
            }
            // 5. the device
            DeviceConfig config = deviceConfig(pkg, temp, proxy.port(), policySpec, settings, mode, slowdown);
            DeviceDaemon daemon;
            try {
                daemon = DeviceDaemon.start(config);
            } catch (DeviceDaemon.StartupException e) {
                throw new RunFailure("the device did not start: " + e.getMessage(), e);
            }
            open.add(daemon);
            // 6. the samples
            Transport pubTransport = Transport.mqtt(MqttSettings.builder("splitee-demo-publisher-" + runId, brokerUri)
                    .cleanStart(true).sessionExpiry(Duration.ZERO).maxInFlight(16).build());
            open.add(pubTransport);
            pubTransport.start();
            stdout.printf(Locale.ROOT, "device %s: %s, policy %s, %s cost, α=%s, link %s; sending %d %s images at %s/s%n",
                    DEVICE_ID, describeBoard(config.model().boardSlowdown()), policySpec, costMode, settings.threshold(),
                    describe(profile), samples, distortion.flag(), fmt(rate));
            stdout.flush();
            long t0 = System.nanoTime();
            SamplePublisher publisher = SamplePublisher.start(pubTransport, config.samplesTopic(),
                    Samples.shipped(pkg, samples, distortion, settings.seed(), runId), rate, qos);
            open.add(publisher);
            List<ResultListener.Received> answers = await(pkg, settings, results, publisher, daemon, runId, t0, stdout);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Report.Builder report = Report.builder("SplitEE demo: " + samples + " " + pkg.manifest().id()
                    + " test images, " + distortion.flag() + ", " + profile.name() + " link, "
                    + describeBoard(slowdown), settings);
            measured(report, daemon.metrics().registry(), pkg.depth(), profile);
            String changeDetector = changeDetector(policySpec, daemon.metrics().registry(), daemon.changeRounds());
            double[][] prices = mode == DeviceConfig.Cost.Mode.MEASURED ? daemon.measuredPrices() : null;
            long gatewayAnswers = gateway.answered();
            closeAll(open);

            // 7. the report
            Files.createDirectories(out);
            Path jsonl = out.resolve("results.jsonl");
            writeResults(jsonl, results.all(), runId);
            int[] rows = new int[samples];
            for (int i = 0; i < samples; i++) {
                rows[i] = i % shipped;
            }
            if (mode == DeviceConfig.Cost.Mode.MEASURED) {
                report.pricing(io.splitee.demo.report.Pricing.measured("the device's measured costs at the end of this "
                        + "run: ms × cost.weight.*", prices[0], prices[1], prices[2], prices[3]));
                int l = pkg.depth();
                double heads = prices[2][l] - prices[0][l];
                report.show("exit heads", String.format(Locale.ROOT, "exits 1..%d evaluated on the way add %.4f to the "
                        + "%.4f of answering at the final exit on the device (%.1f %%; measured cost units): what early "
                        + "exit and leave=first arms pay on top of the blocks", l - 1, heads, prices[0][l],
                        100 * heads / prices[0][l]));
            }
            report.livePolicy(policySpec);
            report.trace(trace, rows);
            List<ResultListener.Received> ordered = new ArrayList<>(answers);
            ordered.sort(Comparator.comparingInt(r -> Samples.indexOf(r.message().sampleId())));
            for (ResultListener.Received r : ordered) {
                report.answer(r.message(), Samples.indexOf(r.message().sampleId()) % shipped);
            }
            report.live(policySpec + " (live)", "the device daemon on the images it was sent (" + distortion.flag()
                            + "), ONNX Runtime inference, " + costMode + " cost, offloads over the " + profile.name()
                            + " link answered by the gateway", pkg.depth(), i -> pkg.samples().label(i % shipped),
                    samples - answers.size());
            report.show("model", pkg.manifest().id() + " " + pkg.manifest().version() + " (" + model.dir + ")");
            report.show("samples", samples + " samples cycling through the " + shipped + " shipped test images, "
                    + distortion.flag() + " (trace " + distortion.traceName() + ")");
            report.show("device board", describeBoard(slowdown));
            if (linkDrop) {
                report.change(samples / 2, "link drop to " + LINK_DROP_TO);
                report.show("scenario", "link-drop: the link went from " + describe(profile) + " to "
                        + describe(LinkProfile.parse(LINK_DROP_TO)) + " once " + (samples / 2) + " samples were "
                        + "answered; every row is priced at the end-of-run costs, i.e. after the drop");
            }
            report.show("broker", brokerText);
            report.show("link (device to broker)", describe(profile));
            report.show("gateway", gatewayRow(answers, pkg.depth(), gatewayAnswers));
            report.show("device policy", policySpec + ", " + costMode + " cost, c = " + fmt(config.policy().ucbC())
                    + (deviceSettings.isEmpty() ? ""
                    : ", " + deviceSettings));
            report.show("change detector", changeDetector);
            report.show("paper cost", "λ = " + fmt(settings.lambda()) + ", o = " + fmt(settings.offloadCost()) + ", α = "
                    + fmt(settings.threshold()) + ", c = " + fmt(settings.ucbC()) + ", seed " + settings.seed());
            report.show("rate", fmt(rate) + " samples/s requested, " + String.format(Locale.ROOT, "%.1f", samples / elapsed)
                    + " answered/s (" + String.format(Locale.ROOT, "%.1f", elapsed) + " s)");
            report.note("Every policy but the live one is replayed with the engine's Replay on the trace "
                    + distortion.traceName() + " (the rows of the images sent, in the order sent: the confidences the "
                    + "training script computed for the same images).");
            if (distortion != Distortion.CLEAN) {
                report.note("The demo distorts the images in Java (" + distortion.flag() + "); the trace was made with the "
                        + "training script's Python version of the same distortion, so the live device saw slightly "
                        + "different images than the replays (noise: other random draws; blur, dim: 8-bit rounding).");
            }
            if (costMode.equals("measured")) {
                report.note("Every row, the live one too, is priced with the device's measured costs at the end of the "
                        + "run (cost.weight.device-ms × device ms; cost.weight.link-ms × link and gateway ms of the "
                        + "payload the device would choose), so live and replayed rows are in the same units.");
                report.note("Cost reduction is 1 − cost / (samples · cost of the final exit on the device).");
            } else {
                report.note("Cost reduction is 1 − cost / (samples · λ·L), against answering every sample at the final "
                        + "exit on the device; an offload costs λ·arm + o, so with o > λ·L every offload costs more than that.");
            }
            Report done = report.build();
            Path index = done.write(out, List.of(jsonl));
            stdout.println();
            stdout.print(done.summary());
            stdout.println();
            stdout.println("report: " + index.toAbsolutePath());
            stdout.flush();
            return 0;
        } catch (TransportException e) {
            throw new RunFailure("MQTT: " + e.getMessage(), e);
        } finally {
            closeAll(open);
            deleteQuietly(temp);
        }
    }

    private static Trace readTrace(ModelPackage pkg, Distortion d) {
        Path file;
        try {
            file = pkg.trace(d.traceName());
        } catch (RuntimeException e) {
            throw new InputException("--distortion " + d.flag() + ": the model package has no trace " + d.traceName());
        }
        try {
            return Trace.read(file);
        } catch (TraceException e) {
            throw new InputException(e.getMessage(), e);
        }
    }

    private DeviceConfig deviceConfig(ModelPackage pkg, Path temp, int proxyPort, String policySpec, Settings s,
                                      DeviceConfig.Cost.Mode costMode, double slowdown) {
        DeviceConfig base;
        try {
            base = DeviceConfig.builder(DEVICE_ID, pkg.directory())
                    .mqtt(MqttConnection.builder().uri("tcp://127.0.0.1:" + proxyPort)
                            .sessionExpiry(Duration.ofSeconds(60))
                            .reconnect(Duration.ofMillis(100), Duration.ofSeconds(2)).build())
                    .stateDir(temp.resolve("state"))
                    .intraOpThreads(1)
                    .policy(policySpec)
                    .threshold(s.threshold())
                    .ucbC(yardstick.deviceUcbC())
                    .seed(s.seed())
                    .costMode(costMode)
                    .boardSlowdown(slowdown)
                    .paperCosts(s.lambda(), s.offloadCost())
                    .queueSize(Math.max(64, samples + 16))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), e);
        }
        if (deviceSettings.isEmpty()) {
            return base;
        }
        try {
            return DeviceConfig.load(base, deviceSettings);
        } catch (ConfigException e) {
            throw new InputException("--set " + e.getMessage(), e);
        }
    }

    /** Waits until every sample has an answer, showing progress; the answers in arrival order. */
    private List<ResultListener.Received> await(ModelPackage pkg, Settings settings, ResultListener results,
                                                SamplePublisher publisher, DeviceDaemon daemon, String runId, long t0,
                                                PrintWriter stdout) throws InterruptedException {
        Progress progress = new Progress(stdout, tty);
        int arms = pkg.depth();
        ResultListener.Received[] got = new ResultListener.Received[samples];
        Deque<Integer> waiting = new ArrayDeque<>();
        for (int i = 0; i < samples; i++) {
            waiting.add(i);
        }
        List<ResultListener.Received> arrival = new ArrayList<>();
        int correct = 0;
        int offloaded = 0;
        double cost = 0;
        int lastArm = -1;
        long lastNews = System.nanoTime();
        while (true) {
            int before = arrival.size();
            for (int k = waiting.size(); k > 0; k--) {
                int i = waiting.poll();
                ResultListener.Received r = results.answer(Samples.sampleId(runId, i));
                if (r == null) {
                    waiting.add(i);
                    continue;
                }
                got[i] = r;
                arrival.add(r);
                ResultMessage m = r.message();
                if (m.prediction() != null) {
                    boolean off = m.splitBlock() < arms && (m.computedAt() == ResultMessage.Location.GATEWAY
                            || m.status() == ResultMessage.Status.DEGRADED || m.prediction().exit() > m.splitBlock());
                    offloaded += off ? 1 : 0;
                    cost += settings.cost(m.splitBlock(), off);
                    correct += m.prediction().classIndex() == pkg.samples().label(i % pkg.samples().count()) ? 1 : 0;
                }
            }
            if (arrival.size() > before) {
                lastNews = System.nanoTime();
                arrival.sort(Comparator.comparingLong(ResultListener.Received::received));
                lastArm = arrival.get(arrival.size() - 1).message().splitBlock();
            }
            int done = arrival.size();
            if (dropProxy != null && done >= dropAt) {
                dropProxy.setProfile(dropTo); // --scenario link-drop: once, halfway
                dropProxy = null;
            }
            double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
            progress.show(new Progress.Snapshot(done, samples, done / secs, done == 0 ? Double.NaN : (double) correct / done,
                    done == 0 ? Double.NaN : 1 - cost / (done * settings.cost(arms, false)),
                    done == 0 ? Double.NaN : (double) offloaded / done, lastArm), done == samples);
            if (done == samples) {
                progress.finish();
                return arrival;
            }
            if (publisher.failure().isPresent()) {
                progress.finish();
                throw new RunFailure("sending samples failed: " + publisher.failure().get().getMessage(),
                        publisher.failure().get());
            }
            if (daemon.failure().isPresent()) {
                progress.finish();
                throw new RunFailure("the device stopped: " + daemon.failure().get());
            }
            if (System.nanoTime() - lastNews > STALL.toNanos() && publisher.done()) {
                progress.finish();
                throw new RunFailure("no answer for " + STALL.toSeconds() + " s: " + done + " of " + samples
                        + " samples answered (first unanswered: " + Samples.sampleId(runId, waiting.peek()) + ")");
            }
            Thread.sleep(50);
        }
    }

    /** The device's cost estimates from its metrics registry, for the report. */
    static void measured(Report.Builder report, MeterRegistry registry, int blocks, LinkProfile profile) {
        double[] ms = new double[blocks];
        for (int i = 1; i <= blocks; i++) {
            Gauge g = registry.find("splitee.device.cost.block.ms").tag("block", Integer.toString(i)).gauge();
            ms[i - 1] = g == null ? Double.NaN : g.value();
        }
        Gauge rtt = registry.find("splitee.device.cost.link.rtt.ms").gauge();
        Gauge thr = registry.find("splitee.device.cost.link.throughput.bytes.per.ms").gauge();
        report.measured("the device's metrics registry (splitee.device.cost.*) at the end of the run, link "
                + describe(profile), ms, rtt == null ? Double.NaN : rtt.value(), thr == null ? Double.NaN : thr.value());
    }

    /**
     * The live policy's change-detector line for the report: with {@code detect=ph}, how many alarms fired during the
     * run (the device's counter {@code splitee.device.policy.changes.detected}) and at which policy rounds (the
     * device's {@link DeviceDaemon#changeRounds()}; the demo's policy starts fresh, so round r is the r-th sample the
     * device computed); otherwise that there is none.
     */
    static String changeDetector(String policySpec, MeterRegistry registry, List<Long> rounds) {
        if (!PolicySpec.parse(policySpec).detects()) {
            return "no change detector (policy has no detect=ph)";
        }
        Counter c = registry.find("splitee.device.policy.changes.detected").counter();
        if (c == null) {
            return "detect=ph: alarms not counted (the device has no splitee.device.policy.changes.detected)";
        }
        long n = Math.round(c.count());
        if (n == 0) {
            return "detect=ph: 0 alarms during the run";
        }
        StringBuilder b = new StringBuilder("detect=ph: ").append(n).append(n == 1 ? " alarm" : " alarms")
                .append(" during the run");
        if (!rounds.isEmpty()) {
            b.append(rounds.size() == 1 ? ", at policy round " : ", at policy rounds ")
                    .append(rounds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")));
            b.append(rounds.size() < n ? " (the latest " + rounds.size() + ")" : "");
            b.append(" (round r: the r-th sample the device computed)");
        }
        return b.append("; after each the policy started its statistics over").toString();
    }

    private static void writeResults(Path file, List<ResultListener.Received> all, String runId) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ResultListener.Received r : all) {
                if (r.message().sampleId().startsWith(runId + "-")) {
                    w.write(r.json());
                    w.write('\n');
                }
            }
        }
    }

    /**
     * The gateway's row, its offloads counted as the live row counts "offloaded" ({@code LiveRun}): a sample the
     * device sent on or meant to, split before its final exit; of those, the ones the gateway answered.
     */
    static String gatewayRow(List<ResultListener.Received> answers, int depth, long gatewayAnswers) {
        long offloaded = 0;
        long byGateway = 0;
        for (ResultListener.Received r : answers) {
            ResultMessage m = r.message();
            if (m.prediction() == null || (m.status() != ResultMessage.Status.OK
                    && m.status() != ResultMessage.Status.DEGRADED)) {
                continue;
            }
            boolean gateway = m.computedAt() == ResultMessage.Location.GATEWAY;
            boolean off = (gateway || m.status() == ResultMessage.Status.DEGRADED
                    || m.prediction().exit() > m.splitBlock()) && m.splitBlock() < depth;
            offloaded += off ? 1 : 0;
            byGateway += off && gateway ? 1 : 0;
        }
        return "offload gateway (in process): answered " + byGateway + " of the " + offloaded + " samples the live row "
                + "counts as offloaded (the other " + (offloaded - byGateway) + " finished on the device: a deadline "
                + "missed or offloading paused); " + gatewayAnswers + " answers in all, the device's link probes included";
    }

    /** {@code --board}: none, or a factor in [1, 1000]. */
    static double boardSlowdown(String flag) {
        String f = flag.trim().toLowerCase(Locale.ROOT);
        if (f.equals("none")) {
            return 1;
        }
        for (Board b : Board.values()) {
            if (f.equals(b.flag)) {
                return b.slowdown;
            }
        }
        if (f.equals("pi5")) {
            throw new InputException("--board pi5: no published time of the same architecture was found for the Pi 5 "
                    + "(docs/demo.md); give a slowdown factor instead");
        }
        double v;
        try {
            v = Double.parseDouble(f.startsWith("x") || f.startsWith("×") ? f.substring(1) : f);
        } catch (NumberFormatException e) {
            throw new InputException("--board must be pi4, zero2w, none or a slowdown factor in [1, 1000], got '" + flag
                    + "'");
        }
        if (!(v >= 1 && v <= 1000)) {
            throw new InputException("--board must be pi4, zero2w, none or a slowdown factor in [1, 1000], got '" + flag
                    + "'");
        }
        return v;
    }

    /** The board as the report and the status line name it. */
    static String describeBoard(double slowdown) {
        Board b = Board.of(slowdown);
        if (b != null) {
            return "emulated " + b.name + " (×" + fmt(slowdown) + ", " + b.source + "; docs/demo.md)";
        }
        return slowdown == 1 ? "this machine's own speed (no board emulation)"
                : "emulated board ×" + fmt(slowdown) + " (each block and exit head takes " + fmt(slowdown)
                + " times as long as on this machine; docs/demo.md)";
    }

    static String describe(LinkProfile p) {
        if (p.bitsPerSecond() == 0 && p.roundTrip().isZero()) {
            return p.name() + " (no shaping)";
        }
        return p.name() + " (" + (p.bitsPerSecond() == 0 ? "unlimited" : fmt(p.bitsPerSecond() / 1e6) + " Mbit/s") + ", "
                + p.roundTrip().toMillis() + " ms RTT)";
    }

    static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.valueOf(d);
    }

    private static void closeAll(List<AutoCloseable> open) {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        open.clear();
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a temporary folder; the OS cleans it eventually
                }
            });
        } catch (IOException e) {
            // same
        }
    }
}
