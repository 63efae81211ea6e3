package io.splitee.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PolicySpecTest {

    @ParameterizedTest
    @ValueSource(strings = {"splitee", "splitee-s", "final", "fixed:1", "fixed:12", "random", "early-exit"})
    void canonicalSpecsRoundTrip(String spec) {
        assertEquals(spec, PolicySpec.parse(spec).toString());
    }

    @Test
    void leadingZerosAreCanonicalised() {
        assertEquals("fixed:3", PolicySpec.parse("fixed:03").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fixed:0", "fixed:-1", "fixed:x", "fixed:", "nope", "SPLITEE", ""})
    void badSpecsAreRefusedByName(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse(spec));
        assertTrue(e.getMessage().contains("'" + spec + "'") || e.getMessage().contains("policy"), e.getMessage());
    }

    @Test
    void fixedArmBeyondTheModelIsRefusedWhenArmsAreKnown() {
        PolicySpec s = PolicySpec.parse("fixed:13");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.checkArms(12));
        assertEquals("policy 'fixed:13': the arm must be in 1..12", e.getMessage());
        assertEquals(s, s.checkArms(13));
    }

    @Test
    void characteristics() {
        assertTrue(PolicySpec.parse("splitee-s").has(Characteristic.SIDE_OBSERVATIONS));
        assertFalse(PolicySpec.parse("splitee").has(Characteristic.SIDE_OBSERVATIONS));
        assertTrue(PolicySpec.parse("random").has(Characteristic.PLAYS_EVERY_ARM));
        assertFalse(PolicySpec.parse("fixed:2").has(Characteristic.PLAYS_EVERY_ARM));
        assertTrue(PolicySpec.parse("early-exit").has(Characteristic.EVALUATES_EVERY_EXIT));
        assertTrue(PolicySpec.parse("early-exit").has(Characteristic.STOPS_AT_FIRST_CONFIDENT_EXIT));
    }
}
