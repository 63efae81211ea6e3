package io.splitee.demo.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SamplesTest {
    @Test
    void theIndexIsTheNumberAfterTheLastDash() {
        assertEquals(17, Samples.indexOf(Samples.sampleId("r1x-run", 17)));
        assertEquals(0, Samples.indexOf("cam-0"));
        assertEquals(-1, Samples.indexOf("cam-"));
        assertEquals(-1, Samples.indexOf("photo.png"));
        assertEquals(-1, Samples.indexOf("a-12b"));
        assertEquals(-1, Samples.indexOf("a-99999999999"));
    }
}
