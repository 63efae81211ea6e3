package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.context.Context;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.splitee.device.config.DeviceConfig;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.device.gpio.Gpio;
import io.splitee.device.gpio.GpioException;
import io.splitee.device.gpio.MockPi;
import io.splitee.device.gpio.Pi4jGpio;
import io.splitee.device.status.DeviceState;
import io.splitee.metrics.MetricsEndpoint;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.onnx.OrtSegmentRunner;
import io.splitee.onnx.RunnerConfig;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with {@code gpio.enabled=true} on Pi4J's mock platform and providers (no GPIO or I²C exists on
 * the machines that run it: {@link MockPi}), against a real Mosquitto, the real model and a test gateway. The
 * power sensor is a simulated INA219 on the mock I²C provider drawing 2 W, and 3 W more whenever the daemon's
 * worker thread is running (computing), so the energy of each block rises with its compute.
 */
class DeviceGpioIT {
    static final Path MODEL = DeviceDaemonIT.MODEL;
    static final String DEVICE = "g1";
    static final double IDLE_W = 2.0;
    static final double BUSY_W = 3.0;

    MosquittoBroker broker;
    Transport client;
    FrameEncoder encoder = new FrameEncoder();
    @TempDir
    Path stateDir;
    volatile Thread worker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = MosquittoBroker.start();
        client = Transport.mqtt(MqttSettings.builder("gpio-it-" + System.nanoTime(), broker.uri())
                .cleanStart(true).sessionExpiry(Duration.ZERO).maxInFlight(16).build());
    }

    @AfterEach
    void stopBroker() {
        client.close();
        encoder.close();
        broker.close();
    }

    /** The simulated sensor's power: idle, plus the load while the worker runs. */
    double watts() {
        Thread w = worker;
        if (w == null) {
            w = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("splitee-" + DEVICE
                    + "-worker")).findFirst().orElse(null);
            worker = w;
        }
        return IDLE_W + (w != null && w.getState() == Thread.State.RUNNABLE ? BUSY_W : 0);
    }

    /** Pi4J's mock pins, with every LED write recorded (and the button released: the mock input starts low). */
    static final class Recording implements Gpio {
        final Pi4jGpio pi;
        final Context context;
        final List<int[]> writes = new CopyOnWriteArrayList<>();

        Recording(Context context) {
            this.context = context;
            this.pi = Pi4jGpio.on(context);
        }

        @Override
        public Output output(String key, int pin, boolean activeLow) throws GpioException {
            Output o = pi.output(key, pin, activeLow);
            return on -> {
                writes.add(new int[] {pin, on ? 1 : 0});
                o.set(on);
            };
        }

        @Override
        public Input input(String key, int pin) throws GpioException {
            Input in = pi.input(key, pin);
            MockPi.press(MockPi.input(context, key, pin), false);
            return in;
        }

        @Override
        public Registers i2c(String key, int bus, int address) throws GpioException {
            return pi.i2c(key, bus, address);
        }

        @Override
        public void close() {
            pi.close();
        }

        /** The colours shown, in order, repeats collapsed: each show() writes R, G, B. */
        List<String> colours() {
            List<String> out = new ArrayList<>();
            List<int[]> w = List.copyOf(writes);
            for (int i = 0; i + 2 < w.size(); i += 3) {
                String c = switch (w.get(i)[1] * 4 + w.get(i + 1)[1] * 2 + w.get(i + 2)[1]) {
                    case 0 -> "off";
                    case 6 -> "yellow";
                    case 2 -> "green";
                    case 1 -> "blue";
                    case 5 -> "magenta";
                    case 4 -> "red";
                    case 3 -> "cyan";
                    default -> "white";
                };
                if (out.isEmpty() || !out.get(out.size() - 1).equals(c)) {
                    out.add(c);
                }
            }
            return out;
        }
    }

    void publishSample(ModelPackage pkg, int i) throws Exception {
        float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
        Frame f = Frame.sample(pkg.manifest().id(), new ManifestHash(pkg.manifestSha256Bytes()), 0,
                pkg.manifest().input().tensor().spec(), "e-" + i, Instant.now(), FloatBuffer.wrap(x));
        client.publish(Outgoing.builder("splitee/" + DEVICE + "/samples", encoder.encode(f)).qos(1)
                .contentType(Frame.CONTENT_TYPE).build()).get();
    }

    static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            Thread.sleep(10);
        }
    }

    static boolean isSubsequence(List<String> want, List<String> seen) {
        int k = 0;
        for (String s : seen) {
            if (k < want.size() && want.get(k).equals(s)) {
                k++;
            }
        }
        return k == want.size();
    }

    @Test
    void ledFollowsTheDaemonButtonActsAndEnergyIsPricedAtItsWeight() throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("device.id", DEVICE);
        o.put("mqtt.uri", broker.uri());
        o.put("model.dir", MODEL.toString());
        o.put("state.dir", stateDir.toString());
        o.put("runtime.intra-op-threads", "1");
        o.put("offload.encoding", "fp32");
        o.put("policy", "fixed:3");
        o.put("policy.threshold", "1.0");
        o.put("offload.payload", "features");
        o.put("offload.deadline", "300ms");
        o.put("offload.probe-interval", "400ms");
        o.put("cost.weight.millijoule", "0.05");
        o.put("gpio.enabled", "true");
        o.put("gpio.led.rgb", "17,27,22");
        o.put("gpio.button.pin", "26");
        o.put("gpio.button.long-press", "1s");
        o.put("power.sensor", "ina219");
        o.put("power.sample-interval", "1ms");
        DeviceConfig config = DeviceConfig.load(null, Map.of(), o);
        List<JsonNode> statusMessages = new CopyOnWriteArrayList<>();
        ObjectMapper json = new ObjectMapper();
        client.subscribe(config.statusTopic(), 1, m -> {
            try {
                statusMessages.add(json.readTree(m.payload()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            client.ack(m);
        });
        client.start();
        ModelPackage pkg = ModelPackage.load(MODEL);
        Recording gpio = new Recording(MockPi.withIna219(this::watts));
        TestResponder responder = new TestResponder(pkg, broker.uri(), "responder-g1");
        try (ResultCollector results = new ResultCollector(broker.uri(), DEVICE);
             DeviceDaemon daemon = DeviceDaemon.start(config, pkg, OrtSegmentRunner.open(pkg,
                     RunnerConfig.defaults().withIntraOpThreads(1).withFused(false)),
                     Transport.mqtt(DeviceDaemon.mqttSettings(config)), new MetricsEndpoint(), gpio)) {
            for (int i = 0; i < 40; i++) { // one at a time: each offloaded at arm 3 and answered by the gateway
                publishSample(pkg, i);
                results.awaitDistinct(i + 1, Duration.ofSeconds(30));
            }
            Thread.sleep(100); // the power thread settles the last intervals
            MeasuredCosts costs = daemon.measuredCosts();
            double mj = costs.deviceMj(3);
            double ms = costs.deviceMs(3);
            assertTrue(mj > 0, "blocks 1..3 and exit 3 spent energy above idle: " + mj + " mJ");
            // 3 W above idle while the worker computes: about 3 mJ per ms of compute (less where a reading around a
            // short block saw the worker waiting)
            assertTrue(mj / ms > 0.5 && mj / ms < 4.0, mj + " mJ over " + ms + " ms");
            assertEquals(0.1 * ms + 0.05 * mj, costs.onDevice(3), 1e-9, "the engine's cost charges 0.05 per mJ");
            assertTrue(daemon.metrics().registry().get("splitee.device.cost.block.mj").tag("block", "1").gauge()
                    .value() > 0, "exported as a metric");
            assertTrue(daemon.metrics().registry().get("splitee.device.power.idle.watts").gauge().value() > 1.9);

            // short press: a status message on the status topic, and the arm blinked
            MockDigitalInput button = MockPi.input(gpio.context, "gpio.button.pin", 26);
            MockPi.press(button, true);
            Thread.sleep(120);
            MockPi.press(button, false);
            await("a status message from the button", Duration.ofSeconds(5), () -> statusMessages.stream()
                    .anyMatch(n -> n.path("trigger").asText().equals("button")));
            JsonNode pressed = statusMessages.stream().filter(n -> n.path("trigger").asText().equals("button"))
                    .findFirst().orElseThrow();
            assertEquals("online", pressed.get("state").asText());
            assertEquals(3, pressed.get("status").get("currentArm").asInt());
            assertEquals("serving", pressed.get("status").get("state").asText());
            await("the arm blinked in white", Duration.ofSeconds(3), () -> gpio.colours().contains("white"));

            // long press: the learned state is saved as a backup, then reset
            MockPi.press(button, true);
            await("a backup of the learned state", Duration.ofSeconds(5), () -> backups().size() == 1);
            MockPi.press(button, false);
            assertTrue(Files.readString(backups().get(0)).contains("\"policy\""), "the backup holds the policy state");
            await("the LED back to serving after the blinks", Duration.ofSeconds(5), () -> {
                List<String> c = gpio.colours();
                return c.get(c.size() - 1).equals("green") && c.lastIndexOf("white") > c.indexOf("white");
            });

            // the gateway goes away: offloading pauses, the LED shows the fallback
            responder.close();
            for (int i = 40; i < 60; i++) {
                publishSample(pkg, i);
                Thread.sleep(20);
            }
            await("fallback", Duration.ofSeconds(10), () -> daemon.deviceStatus().state() == DeviceState.FALLBACK);
            Thread.sleep(400);
            results.awaitDistinct(60, Duration.ofSeconds(30));
            List<String> colours = gpio.colours();
            assertEquals("yellow", colours.get(0), "starting: " + colours);
            assertTrue(isSubsequence(List.of("yellow", "green", "blue", "green", "white", "green", "yellow", "off",
                    "yellow"), colours), "starting, serving, offloading, the arm, fallback's double blink: " + colours);
        } finally {
            responder.close();
        }
        assertTrue(gpio.context.isShutdown(), "Pi4J's context is shut down with the daemon");
        assertTrue(gpio.colours().get(gpio.colours().size() - 1).equals("off") || gpio.writes.isEmpty(),
                "dark at the end");
    }

    List<Path> backups() {
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(DEVICE + ".backup-")
                    && p.getFileName().toString().endsWith(".state")).toList();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPinThatCannotBeOpenedStopsTheStartNamingItsKey() throws Exception {
        Map<String, String> o = Map.of("device.id", "g2", "mqtt.uri", broker.uri(), "model.dir", MODEL.toString(),
                "state.dir", stateDir.toString(), "gpio.enabled", "true", "gpio.led.pin", "17", "power.sensor",
                "ina219");
        DeviceConfig config = DeviceConfig.load(null, Map.of(), o);
        ModelPackage pkg = ModelPackage.load(MODEL);
        Context context = MockPi.withoutI2c(); // no I²C bus: as a board without /dev/i2c-1 (or the i2c group)
        DeviceDaemon.StartupException e = org.junit.jupiter.api.Assertions.assertThrows(
                DeviceDaemon.StartupException.class, () -> DeviceDaemon.start(config, pkg, OrtSegmentRunner.open(pkg,
                        RunnerConfig.defaults().withIntraOpThreads(1).withFused(false)),
                        Transport.mqtt(DeviceDaemon.mqttSettings(config)), new MetricsEndpoint(), Pi4jGpio.on(context)));
        assertTrue(e.getMessage().startsWith("power.i2c-bus: cannot open I²C bus 1 (/dev/i2c-1)")
                && !e.getMessage().contains("\n"), e.getMessage());
        assertTrue(context.isShutdown(), "the pins opened before are released");
    }
}
