package io.splitee.device.coap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.splitee.device.status.DeviceStatus;
import io.splitee.device.status.Status;
import io.splitee.device.status.StatusListener;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * Observable {@code GET /status} (RFC 7641): the device's {@link Status} as JSON (state, policy, current and
 * most played arm, counts, gateway health). Observers are notified on every state change at once, and
 * otherwise, while samples are answered or offloaded, at most once per {@value #MIN_INTERVAL_MS} ms.
 */
final class StatusResource extends CoapResource implements StatusListener {
    static final long MIN_INTERVAL_MS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeviceStatus status;
    private final ScheduledExecutorService timer;
    private final CoapMetrics metrics;
    private long lastNotifiedNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MS);
    private boolean scheduled;

    StatusResource(DeviceStatus status, ScheduledExecutorService timer, CoapMetrics metrics) {
        super("status");
        this.status = status;
        this.timer = timer;
        this.metrics = metrics;
        setObservable(true);
        getAttributes().setObservable();
        getAttributes().setTitle("device status: state, policy, arms, counts, gateway; observable");
        getAttributes().addResourceType("splitee.status");
        getAttributes().addContentType(MediaTypeRegistry.APPLICATION_JSON);
        status.addListener(this);
    }

    @Override
    public void handleGET(CoapExchange ex) {
        metrics.responded("status", ResponseCode.CONTENT, "");
        ex.respond(ResponseCode.CONTENT, json(status.snapshot()), MediaTypeRegistry.APPLICATION_JSON);
    }

    static byte[] json(Status s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("device", s.device());
        n.put("state", s.state().jsonName());
        n.put("policy", s.policy());
        n.put("current_arm", s.currentArm());
        n.put("most_played_arm", s.mostPlayedArm());
        n.put("samples", s.samples());
        n.put("answered_on_device", s.answeredOnDevice());
        n.put("offloaded", s.offloaded());
        n.put("overloaded", s.overloaded());
        n.put("errors", s.errors());
        n.put("gateway_up", s.gatewayUp());
        return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void stateChanged(Status now) {
        notifyNow();
    }

    @Override
    public void answered(Status now) {
        notifySoon();
    }

    @Override
    public void offloaded(int arm) {
        notifySoon();
    }

    private synchronized void notifyNow() {
        lastNotifiedNanos = System.nanoTime();
        changed();
    }

    /** At most one notification per interval for counts; one is scheduled for the end of the interval. */
    private synchronized void notifySoon() {
        if (scheduled) {
            return;
        }
        long waitNanos = lastNotifiedNanos + TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MS) - System.nanoTime();
        if (waitNanos <= 0) {
            notifyNow();
            return;
        }
        scheduled = true;
        try {
            timer.schedule(() -> {
                synchronized (this) {
                    scheduled = false;
                    notifyNow();
                }
            }, waitNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            scheduled = false;
        }
    }

    /** Stops listening to the status. */
    void close() {
        status.removeListener(this);
    }
}
