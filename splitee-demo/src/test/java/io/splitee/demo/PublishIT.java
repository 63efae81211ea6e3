package io.splitee.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.splitee.demo.broker.EmbeddedBroker;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.UserProperty;
import io.splitee.wire.Frame;
import io.splitee.wire.FrameDecoder;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import io.splitee.wire.TensorSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code publish} against the embedded broker, seen by a subscriber on the device's samples topic. */
class PublishIT {
    @TempDir
    Path dir;
    EmbeddedBroker broker;
    Transport sub;
    final List<Incoming> got = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start(dir.resolve("broker"));
        sub = Transport.mqtt(MqttSettings.builder("cam-listener", broker.uri()).cleanStart(true)
                .sessionExpiry(Duration.ZERO).build());
        sub.subscribe("splitee/cam1/samples", 1, m -> {
            got.add(m);
            sub.ack(m);
        });
        sub.start();
    }

    @AfterEach
    void stop() {
        sub.close();
        broker.close();
    }

    void awaitMessages(int n) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (got.size() < n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(n, got.size(), "messages received");
    }

    @Test
    void idxImagesGoAsSampleFramesOfTheModelsInput() throws Exception {
        Cli r = Cli.run("publish", "--broker", broker.uri(), "--device", "cam1", "--count", "5", "--rate", "100",
                "--model", TestModel.DIR.toString(), "--id-prefix", "cam");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.contains("5/5 sent and acknowledged"), r.out);
        awaitMessages(5);
        ModelPackage pkg = ModelPackage.load(TestModel.DIR);
        try (FrameDecoder d = new FrameDecoder(ModelCatalog.of(pkg.manifest().id(), new ManifestHash(pkg.manifestSha256Bytes()),
                List.of(pkg.manifest().input().tensor().spec())))) {
            for (int i = 0; i < 5; i++) {
                Incoming m = got.get(i);
                assertEquals(Frame.CONTENT_TYPE, m.contentType().orElseThrow());
                Frame f = d.decode(m.payload());
                assertEquals("cam-" + i, f.sampleId());
                assertArrayEquals(pkg.manifest().input().normalise(pkg.samples().image(i)), f.toArray(), 0f,
                        "the shipped image " + i + ", normalised");
            }
        }
    }

    @Test
    void imageFilesGoAsTheyAreWithTheirNameAsSampleId() throws Exception {
        Path images = dir.resolve("images");
        java.nio.file.Files.createDirectories(images);
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", images.resolve("a.png").toFile());
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "jpg", images.resolve("b.jpg").toFile());
        Cli r = Cli.run("publish", "--broker", broker.uri(), "--device", "cam1", "--images", images.toString(),
                "--rate", "50");
        assertEquals(0, r.code, r.toString());
        awaitMessages(2);
        assertEquals("image/png", got.get(0).contentType().orElseThrow());
        assertEquals("image/jpeg", got.get(1).contentType().orElseThrow());
        assertEquals(List.of(new UserProperty("sample-id", "a.png")), got.get(0).userProperties());
        assertEquals(java.nio.file.Files.size(images.resolve("b.jpg")), got.get(1).payload().length);
    }
}
