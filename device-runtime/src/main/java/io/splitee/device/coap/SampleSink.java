package io.splitee.device.coap;

import io.splitee.wire.ResultMessage;
import java.util.Objects;
import java.util.Optional;

/**
 * Where posted samples go: the daemon's intake. {@link #offer} never blocks; an accepted sample's
 * {@link Reply} is called exactly once, on one of the daemon's threads.
 */
public interface SampleSink {

    /** What became of an offered sample. */
    enum Admission {
        /** Queued; its reply comes later. */
        ACCEPTED,
        /** The intake queue is full: nothing was queued (the client may retry). */
        QUEUE_FULL,
        /** The daemon is stopping: nothing was queued. */
        STOPPING
    }

    /**
     * A sample as a CoAP client posted it.
     *
     * @param payload     the bytes (the whole body, reassembled when block-wise)
     * @param contentType the content type the samples topic would carry: the frame's, {@code image/png},
     *                    {@code image/jpeg} or {@code image/x-portable-graymap}
     * @param sampleId    the {@code id} query parameter, the id of an image (a frame carries its own)
     */
    record Posted(byte[] payload, String contentType, Optional<String> sampleId) {
        /** Validates. */
        public Posted {
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(sampleId, "sampleId");
        }
    }

    /** The way back to the client; exactly one method is called, once. */
    interface Reply {
        /** The sample's answer (published on the results topic, or given up there by the answer rule). */
        void answered(ResultMessage result);

        /**
         * No answer for this request.
         *
         * @param alreadyAnswered true: the sample id was answered before (the answer is on the results topic);
         *                        false: the daemon stopped before answering
         */
        void unanswered(boolean alreadyAnswered, String message);
    }

    /** Offers a sample; never blocks. */
    Admission offer(Posted sample, Reply reply);
}
