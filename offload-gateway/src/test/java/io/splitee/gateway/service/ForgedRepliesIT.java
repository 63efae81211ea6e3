package io.splitee.gateway.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.splitee.device.daemon.DeviceDaemon;
import io.splitee.model.ModelPackage;
import io.splitee.model.TestPackages;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MosquittoBroker;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.testenv.LogCapture;
import io.splitee.wire.FrameEncoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forged gateway answers, without a reply key, on a real device daemon over a real Mosquitto and no gateway: a
 * client that reads the device's offloads and writes its replies topic answers one pending offload with a class
 * out of the model's range, a label that is not the class's, another device, another model, confidence 7, a
 * reply for another sample and a reply for a sample id nobody sent. None becomes a result: the sample is
 * finished on the device at its deadline, and each forgery is counted ({@code splitee.device.replies.rejected}
 * by reason, {@code splitee.device.late.replies} for the unknown id). The control: the same forger's well-formed
 * reply to the next offload is applied (what only the ACL or the reply key stops: {@code AclMatrixIT},
 * {@code ReplyTagIT}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ForgedRepliesIT {
    private static final String DEVICE = "forged";

    @Test
    void noForgedReplyBecomesAResultAndEachIsCounted(@TempDir Path dir) throws Exception {
        ModelPackage pkg = TestPackages.loadReal();
        ManifestHash hash = new ManifestHash(pkg.manifestSha256Bytes());
        String model = pkg.manifest().id();
        List<String> labels = pkg.manifest().labels();
        int exit = pkg.depth();
        try (LogCapture log = LogCapture.start(Set.of(LogCapture.Level.WARN),
                List.of("Offloader", "io.splitee.device.daemon.Offloader"));
             MosquittoBroker broker = MosquittoBroker.start();
             AnswerCollector answers = new AnswerCollector(broker.uri());
             DeviceDaemon device = DeviceDaemon.start(EndToEndIT.device(DEVICE, broker.uri(), dir,
                     Map.of("policy", "fixed:6", "policy.threshold", "1.0", "offload.payload", "raw",
                             "offload.deadline", "3s")));
             FrameEncoder encoder = new FrameEncoder()) {
            BlockingQueue<Incoming> frames = new LinkedBlockingQueue<>();
            Transport forger = Transport.mqtt(MqttSettings.builder("forger", broker.uri()).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).build());
            Transport camera = Transport.mqtt(MqttSettings.builder("camera", broker.uri()).cleanStart(true)
                    .sessionExpiry(Duration.ZERO).build());
            try {
                forger.subscribe("splitee/" + DEVICE + "/features", 1, m -> {
                    frames.add(m);
                    forger.ack(m);
                });
                forger.start();
                camera.start();

                String first = "forged-1";
                Frames.publishSample(camera, encoder, pkg, hash, DEVICE, first, 0);
                assertNotNull(frames.poll(10, TimeUnit.SECONDS), "the forger reads the offload");
                String ok = labels.get(3);
                Map<String, byte[]> forgeries = new LinkedHashMap<>();
                forgeries.put("BAD_CLASS", reply(first, DEVICE, model, 99, ok, 0.9, exit));
                forgeries.put("BAD_CLASS label", reply(first, DEVICE, model, 3, labels.get(4), 0.9, exit));
                forgeries.put("WRONG_DEVICE", reply(first, "other", model, 3, ok, 0.9, exit));
                forgeries.put("WRONG_MODEL", reply(first, DEVICE, "another-model", 3, ok, 0.9, exit));
                forgeries.put("UNREADABLE", reply(first, DEVICE, model, 3, ok, 7, exit));
                forgeries.put("SAMPLE_MISMATCH", reply("forged-9", DEVICE, model, 3, ok, 0.9, exit));
                forgeries.put("BAD_EXIT", reply(first, DEVICE, model, 3, ok, 0.9, 1));
                for (Map.Entry<String, byte[]> f : forgeries.entrySet()) {
                    forger.publish(Outgoing.builder("splitee/" + DEVICE + "/replies", f.getValue()).qos(1)
                            .contentType(ResultCodec.CONTENT_TYPE).correlationData(first.getBytes(UTF_8)).build())
                            .get(5, TimeUnit.SECONDS);
                }
                String nobody = "nobody-sent-1";
                forger.publish(Outgoing.builder("splitee/" + DEVICE + "/replies",
                                reply(nobody, DEVICE, model, 3, ok, 0.9, exit)).qos(1)
                        .contentType(ResultCodec.CONTENT_TYPE).correlationData(nobody.getBytes(UTF_8)).build())
                        .get(5, TimeUnit.SECONDS);

                answers.awaitAll(List.of(AnswerCollector.key("results", DEVICE, first)), Duration.ofSeconds(20));
                Thread.sleep(300);
                List<AnswerCollector.Answer> r = answers.results(DEVICE, first);
                assertEquals(1, r.size(), "one result: " + r);
                assertEquals(ResultMessage.Location.DEVICE, r.get(0).message().computedAt(),
                        "finished on the device at the deadline, not by a forgery: " + r.get(0).message());
                assertEquals(2.0, Frames.repliesRejected(device, "BAD_CLASS"), "out of range, and a label not the class's");
                assertEquals(1.0, Frames.repliesRejected(device, "WRONG_DEVICE"));
                assertEquals(1.0, Frames.repliesRejected(device, "WRONG_MODEL"));
                assertEquals(1.0, Frames.repliesRejected(device, "UNREADABLE"), "confidence 7");
                assertEquals(1.0, Frames.repliesRejected(device, "SAMPLE_MISMATCH"));
                assertEquals(1.0, Frames.repliesRejected(device, "BAD_EXIT"));
                assertEquals(1.0, device.metrics().registry().counter("splitee.device.late.replies").count(),
                        "the reply for a sample nobody sent");
                assertEquals(7, log.count(LogCapture.Level.WARN, "gateway answer on"), "one WARN each: " + log);

                // the control: a well-formed reply from the same client is applied
                String second = "forged-2";
                Frames.publishSample(camera, encoder, pkg, hash, DEVICE, second, 1);
                assertNotNull(frames.poll(10, TimeUnit.SECONDS), "the forger reads the second offload");
                forger.publish(Outgoing.builder("splitee/" + DEVICE + "/replies",
                                reply(second, DEVICE, model, 3, ok, 0.9, exit)).qos(1)
                        .contentType(ResultCodec.CONTENT_TYPE).correlationData(second.getBytes(UTF_8)).build())
                        .get(5, TimeUnit.SECONDS);
                answers.awaitAll(List.of(AnswerCollector.key("results", DEVICE, second)), Duration.ofSeconds(20));
                ResultMessage applied = answers.results(DEVICE, second).get(0).message();
                assertEquals(ResultMessage.Location.GATEWAY, applied.computedAt(), applied.toString());
                assertEquals(3, applied.prediction().classIndex(), applied.toString());
            } finally {
                camera.close();
                forger.close();
            }
        }
    }

    private static byte[] reply(String id, String device, String model, int classIndex, String label,
                                double confidence, int exit) {
        return ("{\"schema\":1,\"sample_id\":\"" + id + "\",\"device\":\"" + device + "\",\"model_id\":\"" + model
                + "\",\"status\":\"ok\",\"computed_at\":\"gateway\",\"split_block\":6,\"prediction\":{"
                + "\"class_index\":" + classIndex + ",\"label\":\"" + label + "\",\"confidence\":" + confidence
                + ",\"exit\":" + exit + "},\"final_exit_confidence\":" + confidence
                + ",\"timings_us\":{\"gateway_compute\":950}}").getBytes(UTF_8);
    }

}
