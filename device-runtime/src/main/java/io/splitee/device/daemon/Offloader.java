package io.splitee.device.daemon;

import io.splitee.device.cost.CostEstimates;
import io.splitee.device.cost.MeasuredCosts;
import io.splitee.mqtt.Incoming;
import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.UserProperty;
import io.splitee.replyauth.ReplyKey;
import io.splitee.wire.Frame;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import io.splitee.wire.ResultParseException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway side of a sample: sends an offload (or finishes the sample on the device while the
 * {@link GatewayBreaker} says not to), takes the gateway's answer, and falls back when the deadline
 * passes, the publish fails or the gateway cannot help. Also sends the light probes. An offload that
 * misses its deadline is recorded in the link estimates as a transfer that took the whole deadline with
 * nothing from the gateway. Owned by the worker thread.
 */
final class Offloader {
    private static final Logger LOG = LoggerFactory.getLogger(Offloader.class);

    /**
     * How an offload leaves: the transport, the frames, the estimates it feeds, and the worker's inbox
     * (publish failures come back there).
     */
    record Link(Transport transport, OffloadFrames frames, CostEstimates estimates, Executor worker) {
    }

    private final Core core;
    private final OnDevice onDevice;
    private final Offloads offloads;
    private final GatewayBreaker breaker;
    private final Link link;
    /** {@code offload.reply-key-file}: null, or the key every applied reply's tag must verify with. */
    private final ReplyKey replyKey;
    private long probeSeq;

    Offloader(Core core, OnDevice onDevice, Offloads offloads, GatewayBreaker breaker, Link link) {
        this.core = core;
        this.onDevice = onDevice;
        this.offloads = offloads;
        this.breaker = breaker;
        this.link = link;
        this.replyKey = core.config().offload().replyKeyFile().map(f -> ReplyKey.load(REPLY_KEY, f)).orElse(null);
    }

    /** The configuration key of the reply key file. */
    static final String REPLY_KEY = "offload.reply-key-file";

    /** A sample the offload rule sends on: offloaded if the gateway may be asked, else finished here. */
    void take(Sample s) {
        if (allowed()) {
            MeasuredCosts.Payload payload = offloads.payloadFor(s.arm);
            send(s, payload, core.compute().boundary(payload == MeasuredCosts.Payload.FEATURES ? s.arm : 0));
        } else {
            onDevice.finish(s);
        }
    }

    private boolean allowed() {
        if (breaker.open() || offloads.full() || !link.transport().isConnected()) {
            return false;
        }
        Sample oldest = offloads.oldest();
        return oldest == null || !breaker.suspect(oldest.sentNanos,
                link.estimates().roundTripMs() + link.estimates().gatewayMs(oldest.arm + 1));
    }

    /**
     * Sends a light probe (the last input, raw) when nothing was offloaded for a probe interval, or for
     * {@link GatewayBreaker#WARM_UP_PROBE_INTERVAL} until an answered offload or probe measured the link (then
     * only with nothing in flight, and not while the breaker is open).
     */
    void maybeProbe() {
        float[] last = core.compute().lastInput();
        // warm-up probes until an answer measured the link (not while the breaker is open: a gateway that is down
        // gets the normal interval), one at a time: back to back they would queue on a slow link and measure the queue
        boolean measured = link.estimates().linkAnswered() || breaker.open();
        if (last == null || !link.transport().isConnected() || offloads.full() || !measured && offloads.size() > 0
                || !breaker.probeDue(measured)) {
            return;
        }
        core.metrics().probes.increment();
        Sample probe = new Sample(core.config().deviceId() + "-probe-" + (++probeSeq), null,
                core.nanos().getAsLong(), core.compute().depth(), true);
        probe.arm = 1;
        send(probe, MeasuredCosts.Payload.RAW, FloatBuffer.wrap(last));
    }

    private void send(Sample s, MeasuredCosts.Payload payload, FloatBuffer data) {
        byte[] bytes = link.frames().encode(s, payload, data);
        if (!s.probe) {
            core.compute().keepFeatures(s);
        }
        s.payload = payload;
        s.bytes = bytes.length;
        s.sentNanos = core.nanos().getAsLong();
        offloads.add(s, () -> onDeadline(s));
        core.metrics().pending.set(offloads.size());
        breaker.sent();
        if (!s.probe) {
            // probes have their own counter (splitee_device_probes_total): the offload counts and the status line's
            // "offloaded" are samples, which the warm-up probes (dozens at start-up) would otherwise inflate
            (payload == MeasuredCosts.Payload.FEATURES ? core.metrics().offloads : core.metrics().offloadsRaw).increment();
            core.metrics().offloadBytes.record(bytes.length);
            core.metrics().status().offloaded(s.arm);
        }
        Outgoing out = Outgoing.builder(core.config().featuresTopic(), bytes).qos(1).contentType(Frame.CONTENT_TYPE)
                .responseTopic(core.config().repliesTopic()).correlationData(s.id.getBytes(StandardCharsets.UTF_8))
                .messageExpiry(frameExpiry(offloads.deadline())).build();
        link.transport().publish(out).whenComplete((ok, err) -> {
            if (err != null) {
                link.worker().execute(() -> onSendFailed(s, err));
            }
        });
    }

    /**
     * The frame's MQTT message expiry: the offload deadline rounded up to whole seconds (at least 1 s). The broker
     * counts it from when it has the frame, after the device started the deadline, so a frame it drops or a gateway
     * skips as expired is one this device has already finished itself (docs/protocol.md, "Stale frames").
     */
    static Duration frameExpiry(Duration deadline) {
        long seconds = deadline.getSeconds() + (deadline.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    private void onSendFailed(Sample s, Throwable err) {
        if (!offloads.remove(s)) {
            return;
        }
        core.metrics().pending.set(offloads.size());
        LOG.warn("offload of {} not sent ({}); finishing it on the device", s.id, err.getMessage());
        fallback(s, "OFFLOAD_NOT_SENT", "the offload could not be published: " + err.getMessage());
    }

    private void onDeadline(Sample s) {
        if (!offloads.remove(s)) {
            return; // answered meanwhile
        }
        core.metrics().pending.set(offloads.size());
        core.metrics().deadlineMisses.increment();
        if (breaker.missed(s.sentNanos)) {
            core.metrics().status().gateway(false);
            LOG.warn("gateway missed {} deadlines in a row; offloading paused, probing every {}",
                    GatewayBreaker.OPEN_AFTER_MISSES, core.config().offload().probeInterval());
        }
        // What the link cost us: the whole deadline, with nothing from the gateway.
        link.estimates().recordMissedOffload(s.gatewayFromBlock(), s.bytes, offloads.deadline());
        fallback(s, "DEADLINE", "the gateway did not answer within " + offloads.deadline());
    }

    private void fallback(Sample s, String code, String why) {
        if (s.probe) {
            return;
        }
        if (offloads.completes(s)) {
            onDevice.finish(s);
        } else {
            onDevice.degraded(s, code, why);
        }
    }

    /** Handles a message on the replies topic (the gateway's answer to an offload), which arrived at {@code arrivedNanos}. */
    void onReply(Incoming m, long arrivedNanos) {
        link.transport().ack(m);
        String corr = SampleDecoding.idOf(m.correlationData()).orElse(null);
        ResultMessage r;
        try {
            r = ResultCodec.parse(m.payload());
        } catch (ResultParseException e) {
            LOG.warn("unreadable gateway answer on {} (correlation {}): {}", m.topic(), corr == null ? "-" : corr,
                    e.getMessage());
            core.metrics().replyRejected("UNREADABLE");
            return;
        }
        String id = corr != null ? corr : r.sampleId();
        String problem = replyKey == null ? null : tagProblem(m);
        if (problem == null) {
            problem = core.results().replyProblem(r, id, core.compute().depth());
        }
        if (problem != null) {
            // not applied: the offload stays pending, completed by the real answer or its deadline
            core.metrics().replyRejected(problem);
            LOG.warn("gateway answer on {} for {} rejected ({}): {}", m.topic(), id, problem, r);
            return;
        }
        Sample s = offloads.answered(id);
        if (s == null) {
            core.metrics().lateReplies.increment();
            LOG.debug("answer for {} arrived after its deadline or twice; ignored", id);
            return;
        }
        core.metrics().pending.set(offloads.size());
        if (r.status() == ResultMessage.Status.OVERLOADED || r.status() == ResultMessage.Status.ERROR
                || r.prediction() == null || r.finalExitConfidence() == null) {
            // The link worked; the gateway could not help. Finish here.
            breaker.refused();
            String code = r.error() == null ? "GATEWAY_" + r.status().jsonName().toUpperCase() : r.error().code();
            LOG.warn("gateway answered {} for {}: {}", r.status().jsonName(), id, r.error());
            fallback(s, code, "the gateway answered " + r.status().jsonName());
            return;
        }
        Duration gw = r.timings().gatewayCompute() == null ? Duration.ZERO : r.timings().gatewayCompute();
        long now = core.nanos().getAsLong();
        long roundTrip = Math.max(0, arrivedNanos - s.sentNanos);
        link.estimates().recordOffload(s.gatewayFromBlock(), s.bytes, Duration.ofNanos(roundTrip), gw);
        LOG.debug("offload {} {} bytes {} rt {} ms gw {} ms -> rtt {} thr {}", id, s.payload, s.bytes,
                roundTrip / 1e6, gw.toNanos() / 1e6, link.estimates().roundTripMs(),
                link.estimates().throughputBytesPerMs());
        if (breaker.answered(s.sentNanos)) {
            core.metrics().status().gateway(true);
            LOG.info("gateway answered again; offloading resumed");
        }
        if (s.probe) {
            return;
        }
        core.metrics().exit(core.compute().depth());
        core.metrics().status().answered(false);
        core.metrics().latencyOffload.record(now - s.arrivedNanos, TimeUnit.NANOSECONDS);
        core.answers().submit(core.results().fromGateway(s, r, arrivedNanos, now, gw), s.source);
        onDevice.learner().answered(s.observation, Math.max(0, Math.min(1, r.finalExitConfidence())));
    }

    /** With a reply key: {@code MAC_MISSING}, {@code MAC_INVALID}, or null when the reply's tag verifies. */
    private String tagProblem(Incoming m) {
        List<String> tags = m.userProperties().stream().filter(p -> p.name().equals(ReplyKey.PROPERTY))
                .map(UserProperty::value).toList();
        if (tags.isEmpty()) {
            return "MAC_MISSING";
        }
        return tags.size() == 1 && replyKey.verifies(m.payload(), tags.get(0)) ? null : "MAC_INVALID";
    }

    /** Whether {@code id} is pending here; if so its redelivery {@code m} takes over the acknowledgement. */
    boolean takeOver(String id, Incoming m) {
        return offloads.takeOver(id, m);
    }

    /** Whether {@code id} awaits the gateway. */
    boolean pending(String id) {
        return offloads.pending(id);
    }

    boolean idle() {
        return offloads.isEmpty();
    }

    List<String> pendingIds() {
        return offloads.ids();
    }
}
