package io.splitee.device.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.splitee.device.config.DeviceConfig;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.testenv.Tool;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.TensorSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CoAP server of a real daemon (the shipped model, {@code policy=final}: every answer is the final
 * exit's, so CoAP's and MQTT's answers can be compared) against a real Mosquitto, driven by libcoap's
 * clients ({@code coap-client-notls}, {@code coap-client-openssl}) and, for the concurrent load, Californium's.
 */
class CoapIT {
    static final Path MODEL = Path.of(System.getProperty("splitee.model.dir", "../models/fmnist-resnet12"));
    static final ObjectMapper JSON = new ObjectMapper();
    static ModelPackage pkg;
    static MosquittoBroker broker;
    static Transport publisher;
    static ResultCollector results;
    static DeviceDaemon daemon;
    static String plain;
    static FrameEncoder encoder = new FrameEncoder();
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        pkg = ModelPackage.load(MODEL);
        broker = MosquittoBroker.start();
        publisher = Transport.mqtt(MqttSettings.builder("publisher-" + System.nanoTime(), broker.uri())
                .cleanStart(true).sessionExpiry(Duration.ZERO).maxInFlight(16).build());
        publisher.start();
        results = new ResultCollector(broker.uri(), "c1");
        daemon = DeviceDaemon.start(config("c1", Map.of("coap.enabled", "true", "coap.bind", "127.0.0.1",
                "coap.port", "0")));
        plain = "coap://127.0.0.1:" + daemon.coap().orElseThrow().plainAddress().orElseThrow().getPort();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
            daemon.close(); // idempotent, the CoAP server's close included
        }
        if (results != null) {
            results.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (broker != null) {
            broker.close();
        }
        encoder.close();
        pkg = null;
    }

    static DeviceConfig config(String device, Map<String, String> extra) throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("device.id", device);
        o.put("mqtt.uri", broker.uri());
        o.put("model.dir", MODEL.toString());
        o.put("state.dir", dir.resolve(device).toString());
        o.put("runtime.intra-op-threads", "1");
        o.put("policy", "final");
        o.put("cost.mode", "paper");
        o.put("queue.size", "2000");
        o.putAll(extra);
        return DeviceConfig.load(null, Map.of(), o);
    }

    static byte[] frame(int i, String id) {
        float[] x = pkg.manifest().input().normalise(pkg.samples().image(i));
        return encoder.encode(Frame.sample(pkg.manifest().id(), new ManifestHash(pkg.manifestSha256Bytes()), 0,
                pkg.manifest().input().tensor().spec(), id, Instant.now(), FloatBuffer.wrap(x)));
    }

    /** What a libcoap client printed and how it ended. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static Run coap(Tool tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.path().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "coap-client ended");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip(),
                new String(err, StandardCharsets.UTF_8).strip());
    }

    static Path file(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    static Run post(Path f, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("-m", "post", "-f", f.toString()));
        a.addAll(List.of(more));
        a.add(plain + "/samples");
        return coap(Tool.COAP_CLIENT, a.toArray(String[]::new));
    }

    @Test
    void hundredFramesOverCoapGetTheMqttPathsAnswersAndArePublishedOnce() throws Exception {
        Map<Integer, Integer> coapPred = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            Run r = post(file("c-" + i + ".bin", frame(i, "c-" + i)));
            JsonNode n = r.json();
            assertEquals("c-" + i, n.get("sample_id").asText(), r.toString());
            assertEquals("ok", n.get("status").asText(), r.toString());
            coapPred.put(i, n.get("prediction").get("class_index").asInt());
        }
        for (int i = 0; i < 100; i++) {
            publisher.publish(Outgoing.builder("splitee/c1/samples", frame(i, "m-" + i)).qos(1)
                    .contentType(Frame.CONTENT_TYPE).build()).get();
        }
        awaitIds("m-", 100);
        Thread.sleep(300); // a second answer would arrive now
        for (int i = 0; i < 100; i++) {
            ResultMessage viaCoap = results.only("c-" + i); // exactly once on the results topic
            assertEquals(coapPred.get(i), viaCoap.prediction().classIndex());
            assertEquals(results.only("m-" + i).prediction().classIndex(), viaCoap.prediction().classIndex(),
                    "CoAP and MQTT answer image " + i + " alike");
        }
    }

    static void awaitIds(String prefix, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (results.byId.keySet().stream().filter(k -> k.startsWith(prefix)).count() < n) {
            assertTrue(System.nanoTime() < end, "results for " + prefix + "*");
            Thread.sleep(20);
        }
    }

    static byte[] png(int i) throws Exception {
        byte[] px = pkg.samples().image(i);
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, 28, 28, px);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    @Test
    void pngAndPgmImagesAreAnsweredLikeTheirFrame() throws Exception {
        int i = 7;
        int expected = post(file("f7.bin", frame(i, "f-7"))).json().get("prediction").get("class_index").asInt();
        Run png = post(file("i7.png", png(i)), "-t", "23", "-O", "15,id=png-7"); // option 15: Uri-Query
        assertEquals("png-7", png.json().get("sample_id").asText(), png.toString());
        assertEquals(expected, png.json().get("prediction").get("class_index").asInt());
        ByteArrayOutputStream pgm = new ByteArrayOutputStream();
        pgm.write("P5\n# test\n28 28\n255\n".getBytes(StandardCharsets.US_ASCII));
        pgm.write(pkg.samples().image(i));
        Run p = post(file("i7.pgm", pgm.toByteArray()));
        assertEquals(expected, p.json().get("prediction").get("class_index").asInt(), p.toString());
        assertTrue(p.json().get("sample_id").asText().startsWith("img-"), "an image without id: its hash");
        awaitIds("png-7", 1);
        results.only("png-7");
    }

    @Test
    void blockWiseFrameLargerThanOneDatagram() throws Exception {
        // fp32 frame of the shipped model: 886 bytes with a short id; a 64-byte id and the 1024-byte limit of
        // a datagram are passed with block size 256 (libcoap: -b 256), and with Californium's own 1024
        Path f = file("big.bin", frame(3, "b".repeat(64)));
        Run r = post(f, "-b", "256");
        assertEquals("ok", r.json().get("status").asText(), r.toString());
        assertEquals("b".repeat(64), r.json().get("sample_id").asText());
    }

    @Test
    void badInputGetsItsCodeAndTheNextSampleIsAnswered() throws Exception {
        Run garbage = post(file("garbage.bin", "hello, not a frame".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(garbage.err().contains("4.00") && garbage.err().contains("BAD_MAGIC"), garbage.toString());
        float[] small = new float[14 * 14];
        byte[] wrongShape = encoder.encode(Frame.sample(pkg.manifest().id(), new ManifestHash(pkg.manifestSha256Bytes()),
                0, TensorSpec.float32(new int[] {1, 14, 14}), "shape-1", Instant.now(), FloatBuffer.wrap(small)));
        Run shape = post(file("shape.bin", wrongShape));
        assertTrue(shape.err().contains("4.00") && shape.err().contains("SHAPE_MISMATCH"), shape.toString());
        Run format = post(file("text.bin", frame(1, "t-1")), "-t", "0");
        assertTrue(format.err().contains("4.15"), format.toString());
        Run big = post(file("huge.bin", new byte[300 * 1024]), "-b", "1024");
        assertTrue(big.err().contains("4.13"), big.toString());
        Run put = coap(Tool.COAP_CLIENT, "-m", "put", "-f", dir.resolve("text.bin").toString(), plain + "/samples");
        assertTrue(put.err().contains("4.05"), put.toString());
        Run good = post(file("good.bin", frame(2, "after-bad")));
        assertEquals("ok", good.json().get("status").asText(), good.toString());
        awaitIds("shape-1", 1);
        assertEquals("SHAPE_MISMATCH", results.only("shape-1").error().code(),
                "a sample the decoder refuses is answered on the results topic too");
        assertEquals(1, results.byId.get("t-1") == null ? 1 : 0, "a refused Content-Format never entered");
    }

    @Test
    void statusIsObservableAndConfigMasksSecretsAndDiscoveryListsTheResources() throws Exception {
        Process observe = new ProcessBuilder(Tool.COAP_CLIENT.path().toString(), "-s", "4", "-w", plain + "/status")
                .redirectErrorStream(true).start();
        Thread.sleep(500);
        for (int i = 0; i < 30; i++) {
            post(file("o.bin", frame(i, "obs-" + i)));
        }
        String out = new String(observe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(observe.waitFor(30, TimeUnit.SECONDS));
        List<JsonNode> notes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                notes.add(JSON.readTree(line));
            }
        }
        assertTrue(notes.size() >= 2, "the first GET and at least one notification as samples flowed: " + out);
        assertTrue(notes.size() <= 2 + 4, "at most one per second while counts change: " + notes.size());
        assertTrue(notes.get(notes.size() - 1).get("samples").asLong() > notes.get(0).get("samples").asLong(), out);
        assertEquals("serving", notes.get(0).get("state").asText());

        JsonNode cfg = coap(Tool.COAP_CLIENT, plain + "/config").json();
        assertEquals("c1", cfg.get("device.id").asText());
        assertEquals("true", cfg.get("coap.enabled").asText());
        String core = coap(Tool.COAP_CLIENT, plain + "/.well-known/core").out();
        assertTrue(core.contains("</samples>") && core.contains("</status>") && core.contains("</config>")
                && core.contains("obs"), core);
    }

    @Test
    void twoHundredConcurrentPostsAnsweredExactlyOnceOnCoapAndMqtt() throws Exception {
        int clients = 8;
        int perClient = 25;
        ConcurrentHashMap<String, AtomicInteger> coapAnswers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(Configuration.createStandardWithoutFile())
                        .build();
                CoapClient cl = new CoapClient(plain + "/samples").setEndpoint(ep).setTimeout(30_000L);
                try {
                    for (int k = 0; k < perClient; k++) {
                        String id = "load-" + client + "-" + k;
                        CoapResponse r = cl.post(frame(k, id), MediaTypeRegistry.APPLICATION_OCTET_STREAM);
                        assertEquals("2.05", r.getCode().text.substring(0, 4), r.getResponseText());
                        coapAnswers.computeIfAbsent(ResultCodec.parse(r.getPayload()).sampleId(),
                                x -> new AtomicInteger()).incrementAndGet();
                    }
                } finally {
                    cl.shutdown();
                    ep.destroy();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        awaitIds("load-", clients * perClient);
        Thread.sleep(300);
        assertEquals(clients * perClient, coapAnswers.size());
        assertTrue(coapAnswers.values().stream().allMatch(a -> a.get() == 1), "one CoAP answer each");
        for (String id : coapAnswers.keySet()) {
            results.only(id); // one MQTT answer each
        }
    }

    @Test
    void dtlsWithPreSharedKeysAndThePlainPortClosed() throws Exception {
        Path keys = dir.resolve("psk");
        Files.writeString(keys, "# identity=secret\nsensor-1=s3cret-key\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        try (ResultCollector r2 = new ResultCollector(broker.uri(), "c2");
             DeviceDaemon secure = DeviceDaemon.start(config("c2", Map.of("coap.enabled", "true",
                     "coap.bind", "127.0.0.1", "coap.dtls.psk-file", keys.toString(), "coap.dtls.port", "0",
                     "coap.dtls.only", "true")))) {
            assertTrue(secure.coap().orElseThrow().plainAddress().isEmpty(), "no plain port with coap.dtls.only");
            InetSocketAddress a = secure.coap().orElseThrow().secureAddress().orElseThrow();
            String uri = "coaps://127.0.0.1:" + a.getPort() + "/samples";
            Path f = file("d.bin", frame(5, "dtls-5"));
            Run ok = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", f.toString(), "-u", "sensor-1", "-k", "s3cret-key",
                    "-B", "10", uri);
            assertEquals("dtls-5", ok.json().get("sample_id").asText(), ok.toString());
            Run wrongKey = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", file("d2.bin", frame(6, "dtls-6")).toString(),
                    "-u", "sensor-1", "-k", "wrong", "-B", "3", uri);
            assertFalse(wrongKey.out().contains("sample_id"), "a wrong key gets no answer: " + wrongKey);
            Run wrongId = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", dir.resolve("d2.bin").toString(),
                    "-u", "nobody", "-k", "s3cret-key", "-B", "3", uri);
            assertFalse(wrongId.out().contains("sample_id"), "an unknown identity gets no answer: " + wrongId);
            Run plainTry = coap(Tool.COAP_CLIENT, "-m", "post", "-f", dir.resolve("d2.bin").toString(), "-B", "2",
                    "coap://127.0.0.1:" + a.getPort() + "/samples");
            assertFalse(plainTry.out().contains("sample_id"), "plain CoAP gets nothing from the DTLS port: " + plainTry);
            Thread.sleep(300);
            assertEquals(1, r2.byId.size(), "only the authenticated sample entered: " + r2.byId.keySet());
            r2.only("dtls-5");
        }
    }

    @Test
    void dtlsWithX509CertificatesAndPreSharedKeysTogether() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki")).ca("ca").ca("other-ca")
                .issue("ca", "device", TestPki.SERVER).issue("ca", "sensor", TestPki.CLIENT)
                .issue("other-ca", "stranger", TestPki.CLIENT);
        Path keys = dir.resolve("psk3");
        Files.writeString(keys, "sensor-1=s3cret-key\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        try (ResultCollector r3 = new ResultCollector(broker.uri(), "c3");
             DeviceDaemon secure = DeviceDaemon.start(config("c3", Map.of("coap.enabled", "true",
                     "coap.bind", "127.0.0.1", "coap.dtls.port", "0", "coap.dtls.only", "true",
                     "coap.dtls.certificate", pki.pem("device").toString(),
                     "coap.dtls.private-key", pki.key("device").toString(),
                     "coap.dtls.trust", pki.pem("ca").toString(), "coap.dtls.psk-file", keys.toString())))) {
            String uri = "coaps://127.0.0.1:" + secure.coap().orElseThrow().secureAddress().orElseThrow().getPort()
                    + "/samples";
            Path f = file("x1.bin", frame(7, "x509-7"));
            Run ok = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", f.toString(), "-c", pki.pem("sensor").toString(),
                    "-j", pki.key("sensor").toString(), "-C", pki.pem("ca").toString(), "-B", "10", uri);
            assertEquals("x509-7", ok.json().get("sample_id").asText(), ok.toString());
            // -R: the client checks the device's certificate against the CA and nothing else, so what is
            // refused below is refused by the device
            Run trustRoot = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", file("x2.bin", frame(8, "x509-8")).toString(),
                    "-c", pki.pem("sensor").toString(), "-j", pki.key("sensor").toString(),
                    "-R", pki.pem("ca").toString(), "-B", "10", uri);
            assertEquals("x509-8", trustRoot.json().get("sample_id").asText(), trustRoot.toString());
            Path other = file("x3.bin", frame(9, "x509-9"));
            Run stranger = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", other.toString(),
                    "-c", pki.pem("stranger").toString(), "-j", pki.key("stranger").toString(),
                    "-R", pki.pem("ca").toString(), "-B", "3", uri);
            assertFalse(stranger.out().contains("sample_id"), "a certificate from another CA: no answer " + stranger);
            Run noCertificate = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", other.toString(),
                    "-R", pki.pem("ca").toString(), "-B", "3", uri);
            assertFalse(noCertificate.out().contains("sample_id"), "no client certificate: no answer " + noCertificate);
            Run psk = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", file("x4.bin", frame(10, "x509-psk")).toString(),
                    "-u", "sensor-1", "-k", "s3cret-key", "-B", "10", uri);
            assertEquals("x509-psk", psk.json().get("sample_id").asText(), "pre-shared keys beside certificates " + psk);
            Thread.sleep(300);
            assertEquals(3, r3.byId.size(), "only the authenticated samples entered: " + r3.byId.keySet());
            r3.only("x509-7");
            r3.only("x509-8");
            r3.only("x509-psk");
        }
        // coap.dtls.client-auth=none: a client without a certificate, which checks the device's
        try (DeviceDaemon open = DeviceDaemon.start(config("c4", Map.of("coap.enabled", "true",
                "coap.bind", "127.0.0.1", "coap.port", "0", "coap.dtls.port", "0",
                "coap.dtls.certificate", pki.pem("device").toString(),
                "coap.dtls.private-key", pki.key("device").toString(), "coap.dtls.client-auth", "none")))) {
            String uri = "coaps://127.0.0.1:" + open.coap().orElseThrow().secureAddress().orElseThrow().getPort()
                    + "/samples";
            Run anonymous = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", file("x5.bin", frame(11, "x509-none"))
                    .toString(), "-R", pki.pem("ca").toString(), "-B", "10", uri);
            assertEquals("x509-none", anonymous.json().get("sample_id").asText(), anonymous.toString());
            Run wrongCa = coap(Tool.COAP_CLIENT_DTLS, "-m", "post", "-f", file("x6.bin", frame(12, "x509-ca"))
                    .toString(), "-R", pki.pem("other-ca").toString(), "-B", "3", uri);
            assertFalse(wrongCa.out().contains("sample_id"), "the client refuses a device from another CA " + wrongCa);
        }
    }

    @Test
    void aCertificateKeyThatCannotBeUsedStopsTheStartNamingTheKey() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki-bad")).ca("ca").issue("ca", "device", TestPki.SERVER);
        Path missing = dir.resolve("pki-bad/no-such.key");
        Map<String, String> base = Map.of("coap.enabled", "true", "coap.bind", "127.0.0.1", "coap.port", "0",
                "coap.dtls.port", "0", "coap.dtls.certificate", pki.pem("device").toString(),
                "coap.dtls.client-auth", "none");
        Map<String, String> o = new HashMap<>(base);
        o.put("coap.dtls.private-key", missing.toString());
        DeviceDaemon.StartupException e = org.junit.jupiter.api.Assertions.assertThrows(
                DeviceDaemon.StartupException.class, () -> DeviceDaemon.start(config("c5", o)));
        assertEquals("coap 127.0.0.1: coap.dtls.private-key " + missing + " cannot be read: no such file",
                e.getMessage());

        Files.setPosixFilePermissions(pki.key("device"), PosixFilePermissions.fromString("rw-r--r--"));
        o.put("coap.dtls.private-key", pki.key("device").toString());
        e = org.junit.jupiter.api.Assertions.assertThrows(DeviceDaemon.StartupException.class,
                () -> DeviceDaemon.start(config("c5", o)));
        assertTrue(e.getMessage().startsWith("coap 127.0.0.1: coap.dtls.private-key " + pki.key("device")
                + " is readable by group or others") && !e.getMessage().contains("\n"), e.getMessage());

        o.put("coap.dtls.private-key", pki.key("ca").toString()); // a key, but not the certificate's
        e = org.junit.jupiter.api.Assertions.assertThrows(DeviceDaemon.StartupException.class,
                () -> DeviceDaemon.start(config("c5", o)));
        assertTrue(e.getMessage().startsWith("coap 127.0.0.1: coap.dtls.private-key " + pki.key("ca")
                + " is not the key of the first certificate") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
