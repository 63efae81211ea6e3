package io.splitee.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.splitee.mqtt.Incoming;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IntakeTest {

    @Test
    void deviceIdComesFromTheTopicAndMustBeAValidId() {
        assertEquals("cam-1", Intake.deviceOf("splitee/cam-1/features"));
        assertEquals("a.b_c", Intake.deviceOf("splitee/a.b_c/features"));
        assertNull(Intake.deviceOf("splitee/has space/features"));
        assertNull(Intake.deviceOf("splitee//features"));
        assertNull(Intake.deviceOf("splitee"));
        assertNull(Intake.deviceOf("splitee/" + "x".repeat(65) + "/features"));
        assertEquals("x".repeat(64), Intake.deviceOf("splitee/" + "x".repeat(64) + "/features"));
        assertNull(Intake.deviceOf("splitee/cam\u00e9/features"));
    }

    private static Incoming withCorrelation(byte[] c) {
        return new Incoming("splitee/d/features", new byte[0], 1, false, false, Optional.empty(), Optional.empty(), c,
                List.of(), 0);
    }

    @Test
    void sampleIdOfAnErrorAnswerPrefersTheFrameThenTheCorrelationData() {
        Incoming m = withCorrelation("corr-7".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.of("frame-7"), Intake.sampleId(m, Optional.of("frame-7")));
        assertEquals(Optional.of("corr-7"), Intake.sampleId(m, Optional.empty()));
        assertEquals(Optional.empty(), Intake.sampleId(withCorrelation(new byte[0]), Optional.empty()));
        assertEquals(Optional.empty(), Intake.sampleId(withCorrelation(new byte[] {(byte) 0xff, 0x01}),
                Optional.empty()), "not UTF-8");
        assertEquals(Optional.empty(), Intake.sampleId(withCorrelation(new byte[] {'a', 0x01}), Optional.empty()),
                "control character");
        assertEquals(Optional.empty(), Intake.sampleId(withCorrelation(new byte[65]), Optional.empty()),
                "longer than a sample id");
    }
}
