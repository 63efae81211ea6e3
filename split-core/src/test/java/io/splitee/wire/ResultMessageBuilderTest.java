package io.splitee.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder both the device and the gateway make their result messages with. */
class ResultMessageBuilderTest {

    @Test
    void defaultsAreAnAnswerComputedOnTheDeviceWithNothingSent() {
        ResultMessage r = ResultMessage.builder("s-1", "cam.1", "m").answered(ResultMessage.Status.OK,
                new ResultMessage.Prediction(3, "dress", 0.9, 2)).splitBlock(2).build();
        assertEquals(ResultMessage.Location.DEVICE, r.computedAt());
        assertNull(r.encoding());
        assertNull(r.compression());
        assertEquals(ResultMessage.Timings.NONE, r.timings());
        assertNull(r.error());
    }

    @Test
    void refusalsCarryTheErrorCutToTheSchemasLimit() {
        ResultMessage r = ResultMessage.builder("s-2", "cam1", "m").refused(ResultMessage.Status.ERROR,
                "MODEL_ERROR", "x".repeat(5000)).computedAt(ResultMessage.Location.GATEWAY).splitBlock(4)
                .sentAs(Encoding.FP16, Compression.NONE)
                .timings(new ResultMessage.Timings(null, null, Duration.ofMillis(3), null)).build();
        assertEquals(1024, r.error().message().length());
        assertNull(r.prediction());
        assertEquals(Encoding.FP16, r.encoding());
        assertEquals(r, ResultCodecRoundTrip.roundTrip(r));
    }

    @Test
    void theRecordsRulesStillApply() {
        assertThrows(IllegalArgumentException.class, () -> ResultMessage.builder("s-3", "cam1", "m").build(),
                "ok without a prediction");
        assertThrows(IllegalArgumentException.class, () -> ResultMessage.builder("s-3", "cam1", "m")
                .refused(ResultMessage.Status.ERROR, "lower", "m").build(), "a code that is not upper case");
        assertThrows(IllegalArgumentException.class, () -> ResultMessage.builder("s-3", "cam1", "m")
                .answered(ResultMessage.Status.OK, new ResultMessage.Prediction(1, "a", 0.5, 1))
                .sentAs(Encoding.FP32, null).build(), "encoding without compression");
    }

    /** JSON and back. */
    static final class ResultCodecRoundTrip {
        static ResultMessage roundTrip(ResultMessage r) {
            try {
                return ResultCodec.parse(ResultCodec.toJson(r));
            } catch (ResultParseException e) {
                throw new AssertionError(e);
            }
        }
    }
}
