package io.splitee.demo;

import io.splitee.demo.feed.SamplePublisher;
import io.splitee.demo.feed.Samples;
import io.splitee.demo.images.Distortion;
import io.splitee.demo.images.ImageFiles;
import io.splitee.model.ModelPackage;
import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportException;
import io.splitee.wire.Ids;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code publish}: streams images to any device's samples topic, as a camera script would. An IDX
 * file's images go as sample frames for the model (ids {@code <prefix>-<index>}); a folder's PNG and
 * JPEG files go as they are ({@code image/png}, {@code image/jpeg}) with a {@code sample-id} user
 * property (the file name), and the device decodes and resizes them.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Send images to a device's samples topic (splitee/<device>/samples) at a steady rate.")
final class PublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--broker", required = true, paramLabel = "URI", description = "The broker, tcp://host:port or ssl://host:port.")
    String broker;

    @Option(names = "--device", required = true, paramLabel = "ID", description = "The device id (topic splitee/<ID>/samples).")
    String device;

    @Option(names = "--images", paramLabel = "FILE|DIR",
            description = "A gzip IDX3 image file, or a folder of PNG/JPEG files (default: the model package's shipped images).")
    Path images;

    @Option(names = "--rate", defaultValue = "10", paramLabel = "R", description = "Images per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "Send at most N images (default 0: all).")
    int count;

    @Option(names = "--id-prefix", defaultValue = "img", paramLabel = "PREFIX",
            description = "Sample ids of IDX images are <PREFIX>-<index> (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--qos", defaultValue = "1", paramLabel = "QOS", description = "MQTT QoS, 0 or 1 (default ${DEFAULT-VALUE}).")
    int qos;

    @Mixin
    Options.Model model;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "Seed of the noise distortion (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Options.rate(rate);
        if (qos != 0 && qos != 1) {
            throw new InputException("--qos must be 0 or 1, got " + qos);
        }
        if (count < 0) {
            throw new InputException("--count must be >= 0 (0: all), got " + count);
        }
        try {
            Ids.requireName("--device", device);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
        if (!prefix.matches("[A-Za-z0-9_.-]{1,40}")) {
            throw new InputException("--id-prefix: '" + prefix + "' must be 1-40 letters, digits, '_', '.' or '-'");
        }
        URI uri = Options.broker(broker, true);
        Distortion distortion = model.distortion();
        Samples.Source source;
        String what;
        try {
            if (images != null && Files.isDirectory(images)) {
                if (distortion != Distortion.CLEAN) {
                    throw new InputException("--distortion applies to IDX images only; PNG/JPEG files are sent as they are");
                }
                source = Samples.files(ImageFiles.list(images), count);
                what = "image files from " + images;
            } else {
                ModelPackage pkg = model.load();
                Path file = images != null ? images : pkg.directory().resolve(pkg.manifest().samples().images());
                source = Samples.idx(pkg, file, count, distortion, seed, prefix);
                what = distortion.flag() + " IDX images from " + file;
            }
        } catch (IOException e) {
            throw new InputException("--images: " + e.getMessage(), e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        String topic = "splitee/" + device + "/samples";
        try (Transport t = Transport.mqtt(MqttSettings.builder("splitee-publish-" + ProcessHandle.current().pid(), uri.toString())
                .cleanStart(true).sessionExpiry(Duration.ZERO).connectTimeout(Duration.ofSeconds(5)).maxInFlight(16).build())) {
            try {
                t.start();
            } catch (TransportException e) {
                source.close();
                throw new InputException("--broker " + uri + ": cannot connect (" + Options.why(e) + ")", e);
            }
            stdout.printf(Locale.ROOT, "sending %d %s to %s at %s/s%n", source.count(), what, topic, DemoCommand.fmt(rate));
            stdout.flush();
            int total = source.count();
            try (SamplePublisher p = SamplePublisher.start(t, topic, source, rate, qos)) {
                long lastPrint = System.nanoTime();
                while (!p.await(200)) {
                    if (System.nanoTime() - lastPrint > 1_000_000_000L) {
                        stdout.printf(Locale.ROOT, "%d/%d sent%n", p.acknowledged(), total);
                        stdout.flush();
                        lastPrint = System.nanoTime();
                    }
                }
                if (p.failure().isPresent()) {
                    throw new RunFailure("sending failed after " + p.acknowledged() + " of " + total + ": "
                            + p.failure().get().getMessage(), p.failure().get());
                }
                stdout.printf(Locale.ROOT, "%d/%d sent%s%n", p.acknowledged(), total, qos == 1 ? " and acknowledged by the broker" : "");
            }
        }
        return 0;
    }
}
