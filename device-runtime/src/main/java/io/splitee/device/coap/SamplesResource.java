package io.splitee.device.coap;

import io.splitee.wire.Frame;
import io.splitee.wire.ResultCodec;
import io.splitee.wire.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /samples}: the body (reassembled by Californium when block-wise, RFC 7959) is handed to the
 * {@link SampleSink}; the answer becomes the response: {@code 2.05 Content} with the result JSON for an
 * answered sample, else the code its error names (below). An answer not ready within {@value #SEPARATE_AFTER_MS}
 * ms is sent as a separate response: the empty ACK goes first, so the client stops retransmitting.
 *
 * <p>Content-Format: none or {@code application/octet-stream} (42): a sample frame, or an image told by its
 * first bytes (PNG, JPEG, PGM {@code P5}); {@code image/png} (23), {@code image/jpeg} (22). The {@code id}
 * query parameter names an image sample (a frame carries its own id).
 *
 * <p>Codes: {@code 4.00} with {@code CODE: message} for a sample the decoder refused ({@code FrameError} codes,
 * {@code BAD_IMAGE}, {@code BAD_KIND}); {@code 4.13} (with Size1) above the frame limit; {@code 4.15} for
 * another Content-Format; {@code 5.03} with Max-Age when the intake queue is full or the daemon is stopping;
 * {@code 5.00} when inference failed; {@code 4.09} for a sample id answered already (its answer is on the
 * results topic). Other methods get {@code 4.05} (Californium).
 */
final class SamplesResource extends CoapResource {
    static final long SEPARATE_AFTER_MS = 500;
    /** Max-Age of a {@code 5.03}: when to try again. */
    static final int RETRY_AFTER_S = 1;

    private final SampleSink sink;
    private final int maxBody;
    private final ScheduledExecutorService timer;
    private final CoapMetrics metrics;

    SamplesResource(SampleSink sink, int maxBody, ScheduledExecutorService timer, CoapMetrics metrics) {
        super("samples");
        this.sink = sink;
        this.maxBody = maxBody;
        this.timer = timer;
        this.metrics = metrics;
        getAttributes().setTitle("post a sample frame or an image; the answer is its result JSON");
        getAttributes().addResourceType("splitee.samples");
        getAttributes().addContentType(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        getAttributes().addContentType(MediaTypeRegistry.IMAGE_PNG);
        getAttributes().addContentType(MediaTypeRegistry.IMAGE_JPEG);
    }

    @Override
    public void handlePOST(CoapExchange ex) {
        long start = System.nanoTime();
        byte[] body = ex.getRequestPayload();
        if (body.length > maxBody) {
            Response r = new Response(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
            r.getOptions().setSize1(maxBody);
            r.setPayload("TOO_LARGE: " + body.length + " bytes exceed the limit of " + maxBody + " bytes");
            respond(ex, r, "too large");
            return;
        }
        int format = ex.getRequestOptions().getContentFormat();
        Optional<String> type = contentType(format, body);
        if (type.isEmpty()) {
            respond(ex, text(ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "UNSUPPORTED_CONTENT_TYPE: Content-Format "
                    + format + " (" + MediaTypeRegistry.toString(format) + ") is not taken; send none or 42 "
                    + "(a sample frame, or a PNG, JPEG or PGM image), 23 (image/png) or 22 (image/jpeg)"), "format");
            return;
        }
        Optional<String> id;
        try {
            id = Optional.ofNullable(ex.getQueryParameter("id"));
        } catch (IllegalArgumentException e) {
            respond(ex, text(ResponseCode.BAD_REQUEST, "BAD_ID: " + e.getMessage()), "query");
            return;
        }
        Pending p = new Pending(ex, start);
        switch (sink.offer(new SampleSink.Posted(body, type.get(), id), p)) {
            case ACCEPTED -> p.separateLater();
            case QUEUE_FULL -> p.overloaded("QUEUE_FULL: the intake queue is full; try again after Max-Age");
            case STOPPING -> p.overloaded("STOPPING: the device is stopping");
        }
    }

    /** The samples topic's content type for a Content-Format, empty when it is not taken. */
    static Optional<String> contentType(int format, byte[] body) {
        return switch (format) {
            case MediaTypeRegistry.UNDEFINED, MediaTypeRegistry.APPLICATION_OCTET_STREAM -> Optional.of(sniff(body));
            case MediaTypeRegistry.IMAGE_PNG -> Optional.of("image/png");
            case MediaTypeRegistry.IMAGE_JPEG -> Optional.of("image/jpeg");
            default -> Optional.empty();
        };
    }

    /** An image by its magic bytes; anything else is taken as a frame (the decoder names what is wrong with it). */
    private static String sniff(byte[] b) {
        if (b.length >= 4 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            return "image/jpeg";
        }
        if (b.length >= 3 && b[0] == 'P' && b[1] == '5' && Character.isWhitespace(b[2])) {
            return "image/x-portable-graymap";
        }
        return Frame.CONTENT_TYPE;
    }

    private void respond(CoapExchange ex, Response r, String why) {
        metrics.responded("samples", r.getCode(), why + ": " + r.getPayloadString());
        ex.respond(r);
    }

    private static Response text(ResponseCode code, String message) {
        Response r = new Response(code);
        r.setPayload(message.getBytes(StandardCharsets.UTF_8));
        r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        return r;
    }

    /** The response code and payload for an answer. */
    static Response response(ResultMessage m) {
        if (m.status() == ResultMessage.Status.OK || m.status() == ResultMessage.Status.DEGRADED) {
            Response r = new Response(ResponseCode.CONTENT);
            r.setPayload(ResultCodec.toJson(m));
            r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
            return r;
        }
        String code = m.error() == null ? "ERROR" : m.error().code();
        String diagnostic = code + ": " + (m.error() == null ? "" : m.error().message());
        if (m.status() == ResultMessage.Status.OVERLOADED) {
            Response r = text(ResponseCode.SERVICE_UNAVAILABLE, diagnostic);
            r.getOptions().setMaxAge(RETRY_AFTER_S);
            return r;
        }
        return text(switch (code) {
            case "TOO_LARGE" -> ResponseCode.REQUEST_ENTITY_TOO_LARGE;
            case "UNSUPPORTED_CONTENT_TYPE" -> ResponseCode.UNSUPPORTED_CONTENT_FORMAT;
            case "INFERENCE_FAILED", "DECODE_FAILED", "MODEL_ERROR" -> ResponseCode.INTERNAL_SERVER_ERROR;
            default -> ResponseCode.BAD_REQUEST;
        }, diagnostic);
    }

    /** One request waiting for its answer; accept (the empty ACK) and the response never race. */
    private final class Pending implements SampleSink.Reply {
        private final CoapExchange ex;
        private final long start;
        private boolean responded;
        private ScheduledFuture<?> separate;

        Pending(CoapExchange ex, long start) {
            this.ex = ex;
            this.start = start;
        }

        synchronized void separateLater() {
            if (responded || ex.advanced().getRequest().getType() != CoAP.Type.CON) {
                return;
            }
            try {
                separate = timer.schedule(this::accept, SEPARATE_AFTER_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // the server is closing; the answer, if any, still goes out piggybacked
            }
        }

        private synchronized void accept() {
            if (!responded) {
                ex.accept();
            }
        }

        void overloaded(String why) {
            Response r = text(ResponseCode.SERVICE_UNAVAILABLE, why);
            r.getOptions().setMaxAge(RETRY_AFTER_S);
            send(r, "overloaded");
        }

        @Override
        public void answered(ResultMessage result) {
            metrics.sampleAnswered(start);
            send(response(result), result.status().toString());
        }

        @Override
        public void unanswered(boolean alreadyAnswered, String message) {
            if (alreadyAnswered) {
                send(text(ResponseCode.CONFLICT, "ALREADY_ANSWERED: " + message), "duplicate");
            } else {
                overloaded("STOPPING: " + message);
            }
        }

        private synchronized void send(Response r, String why) {
            if (responded) {
                return;
            }
            responded = true;
            if (separate != null) {
                separate.cancel(false);
            }
            respond(ex, r, why);
        }
    }
}
