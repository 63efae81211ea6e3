package io.splitee.gateway.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.model.ModelPackage;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.UserProperty;
import io.splitee.replyauth.ReplyKey;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code offload.reply-key-file} on a real device daemon and a real gateway over a real Mosquitto: the gateway's
 * tagged reply becomes the result; a forger that can read features and write replies (no key) sends, for the
 * next offload, the same reply rewritten for that sample without a tag, with the tag of the first reply, and
 * with a tag made by another key: none becomes a result (the device finishes the sample itself at the
 * deadline), each is counted by reason.
 */
class ReplyTagIT {
    private static final String DEVICE = "tagged";
    private static final String FIRST = "tag-sample-1";
    private static final String SECOND = "tag-sample-2"; // the same length: the rewritten JSON stays well formed

    @Test
    void onlyTaggedRepliesBecomeResults(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("reply.key"), "0123456789abcdef0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        ModelPackage pkg = TestPackages.loadReal();
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        Map<String, String> keyed = Map.of("offload.reply-key-file", key.toString());
        try (MosquittoBroker broker = MosquittoBroker.start();
             AnswerCollector answers = new AnswerCollector(broker.uri());
             DeviceDaemon device = DeviceDaemon.start(EndToEndIT.device(DEVICE, broker.uri(), dir.resolve("state"),
                     Map.of("policy", "fixed:6", "policy.threshold", "1.0", "offload.payload", "raw",
                             "offload.deadline", "3s", "offload.reply-key-file", key.toString())));
             FrameEncoder encoder = new FrameEncoder()) {
            BlockingQueue<Incoming> replies = new LinkedBlockingQueue<>();
            BlockingQueue<Incoming> frames = new LinkedBlockingQueue<>();
            Transport forger = Transport.mqtt(MqttSettings.builder("forger", broker.uri()).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).build());
            Transport camera = Transport.mqtt(MqttSettings.builder("camera", broker.uri()).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).build());
            try {
                forger.subscribe("splitee/" + DEVICE + "/replies", 1, m -> {
                    replies.add(m);
                    forger.ack(m);
                });
                forger.subscribe("splitee/" + DEVICE + "/features", 1, m -> {
                    frames.add(m);
                    forger.ack(m);
                });
                forger.start();
                camera.start();

                // 1. the gateway, with the key, answers: its tagged reply is the result
                try (Gateway gateway = Gateway.start(TestGateways.config("tagger", broker.uri(), keyed))) {
                    Frames.publishSample(camera, encoder, pkg, hash, DEVICE, FIRST, 0);
                    answers.awaitAll(List.of(AnswerCollector.key("results", DEVICE, FIRST)), Duration.ofSeconds(30));
                }
                ResultMessage first = answers.results(DEVICE, FIRST).get(0).message();
                assertEquals(ResultMessage.Location.GATEWAY, first.computedAt(), first.toString());
                Incoming real = replies.poll(5, TimeUnit.SECONDS);
                assertNotNull(real, "the gateway's reply");
                List<UserProperty> tags = real.userProperties().stream()
                        .filter(p -> p.name().equals(ReplyKey.PROPERTY)).toList();
                assertEquals(1, tags.size(), "one tag on the reply: " + real.userProperties());
                assertTrue(ReplyKey.load("k", key).verifies(real.payload(), tags.get(0).value()));

                // 2. no gateway now: the forger answers the next offload with the reply rewritten for it
                frames.clear();
                Frames.publishSample(camera, encoder, pkg, hash, DEVICE, SECOND, 1);
                assertNotNull(frames.poll(10, TimeUnit.SECONDS), "the forger reads the offload");
                byte[] forged = new String(real.payload(), UTF_8).replace(FIRST, SECOND).getBytes(UTF_8);
                assertEquals(SECOND, ResultCodec.parse(forged).sampleId(), "a well-formed reply for the sample");
                String otherKeyTag = ReplyKey.of("another fleet's key, 32 bytes or more".getBytes(UTF_8)).tag(forged);
                for (String tag : new String[] {null, tags.get(0).value(), otherKeyTag}) {
                    Outgoing.Builder b = Outgoing.builder("splitee/" + DEVICE + "/replies", forged).qos(1)
                            .contentType(ResultCodec.CONTENT_TYPE).correlationData(SECOND.getBytes(UTF_8));
                    if (tag != null) {
                        b.userProperty(ReplyKey.PROPERTY, tag);
                    }
                    forger.publish(b.build()).get(5, TimeUnit.SECONDS);
                }
                answers.awaitAll(List.of(AnswerCollector.key("results", DEVICE, SECOND)), Duration.ofSeconds(30));
                Thread.sleep(300);
                List<AnswerCollector.Answer> second = answers.results(DEVICE, SECOND);
                assertEquals(1, second.size(), "one result for the second sample");
                assertEquals(ResultMessage.Location.DEVICE, second.get(0).message().computedAt(),
                        "finished on the device at the deadline, not by a forged reply: " + second.get(0).message());
                assertEquals(1.0, Frames.repliesRejected(device, "MAC_MISSING"));
                assertEquals(2.0, Frames.repliesRejected(device, "MAC_INVALID"));
            } finally {
                camera.close();
                forger.close();
            }
        }
    }

}
