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

    @ParameterizedTest
    @ValueSource(strings = {"splitee-s-paper", "splitee:discount=0.995", "splitee-s:window=500",
        "splitee-s-paper:init=authors", "splitee:init=authors", "splitee-s-paper:discount=1.0"})
    void parameterisedSpecsRoundTrip(String spec) {
        assertEquals(spec, PolicySpec.parse(spec).toString());
    }

    @Test
    void parametersAreCanonicalised() {
        assertEquals("splitee:discount=0.9", PolicySpec.parse("splitee:discount=.9").toString());
        assertEquals("splitee-s:discount=0.99", PolicySpec.parse("splitee-s").withDiscount(0.99).toString());
        assertEquals("splitee:window=7", PolicySpec.parse("splitee").withWindow(7).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"splitee:discount=0", "splitee:discount=1.5", "splitee:discount=x", "splitee:window=0",
        "splitee:window=100001", "splitee:discount=0.9,window=5", "splitee-s:init=authors", "splitee:init=me",
        "splitee:gamma=0.9", "splitee:discount", "final:window=5", "random:discount=0.9", "splitee:window=5,window=6",
        "splitee:init=authors,discount=0.9"})
    void badParametersAreRefused(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse(spec));
        assertTrue(e.getMessage().startsWith("policy '"), e.getMessage());
    }

    @Test
    void characteristics() {
        assertTrue(PolicySpec.parse("splitee-s-paper").has(Characteristic.NEEDS_FINAL_CONFIDENCE));
        assertFalse(PolicySpec.parse("splitee-s").has(Characteristic.NEEDS_FINAL_CONFIDENCE));
        assertTrue(PolicySpec.parse("splitee-s:discount=0.99").has(Characteristic.FORGETS));
        assertFalse(PolicySpec.parse("splitee-s").has(Characteristic.FORGETS));
        assertTrue(PolicySpec.parse("splitee-s").has(Characteristic.SIDE_OBSERVATIONS));
        assertFalse(PolicySpec.parse("splitee").has(Characteristic.SIDE_OBSERVATIONS));
        assertTrue(PolicySpec.parse("random").has(Characteristic.PLAYS_EVERY_ARM));
        assertFalse(PolicySpec.parse("fixed:2").has(Characteristic.PLAYS_EVERY_ARM));
        assertTrue(PolicySpec.parse("early-exit").has(Characteristic.EVALUATES_EVERY_EXIT));
        assertTrue(PolicySpec.parse("early-exit").has(Characteristic.STOPS_AT_FIRST_CONFIDENT_EXIT));
    }
}
