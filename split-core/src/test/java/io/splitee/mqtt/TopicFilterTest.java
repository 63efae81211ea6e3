package io.splitee.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "splitee/d1/features, splitee/d1/features, true",
            "splitee/d1/features, splitee/d2/features, false",
            "splitee/+/features, splitee/d1/features, true",
            "splitee/+/features, splitee/d1/x/features, false",
            "splitee/+/features, splitee//features, true",
            "splitee/+, splitee, false",
            "splitee/#, splitee, true",
            "splitee/#, splitee/d1, true",
            "splitee/#, splitee/d1/features/extra, true",
            "splitee/#, other/d1, false",
            "#, a/b/c, true",
            "#, /leading, true",
            "+/+, /leading, true",
            "+, a/b, false",
            "+/#, a, true",
            "#, $SYS/broker/uptime, false",
            "+/broker/uptime, $SYS/broker/uptime, false",
            "$SYS/#, $SYS/broker/uptime, true",
            "$SYS/+/uptime, $SYS/broker/uptime, true",
            "$share/g/splitee/+/features, splitee/d7/features, true",
            "$share/g/splitee/+/features, splitee/d7/result, false",
            "$share/group-1/#, any/topic, true",
            "a/b, a/b/, false",
            "a/b/, a/b/, true",
            "A/b, a/b, false",
    })
    void matchesLikeMqtt5(String filter, String topic, boolean expected) {
        assertEquals(expected, TopicFilter.parse(filter).matches(topic));
    }

    @Test
    void sharedSubscriptionStripsGroupPrefix() {
        TopicFilter f = TopicFilter.parse("$share/g/splitee/+/features");
        assertTrue(f.isShared());
        assertEquals("$share/g/splitee/+/features", f.filter());
        assertEquals(List.of("splitee", "+", "features"), f.levels());
        assertFalse(TopicFilter.parse("splitee/+/features").isShared());
        // the topic "$share/g/splitee/d1/features" is never what a broker delivers
        assertFalse(f.matches("$share/g/splitee/d1/features"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a/b#", "a+/b", "a/+b", "##", "$share/g", "$share//a", "$share/g/",
            "$share/g+/a", "$share/g#/a", "a\0b"})
    void rejectsMalformedFilters(String filter) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse(filter));
        assertTrue(e.getMessage().contains("filter") || e.getMessage().contains("shared"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/+", "a/#", "+", "a\0"})
    void topicNamesMustBeConcrete(String topic) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicFilter.validateTopicName(topic, "topic"));
        assertTrue(e.getMessage().startsWith("topic"), e.getMessage());
    }

    @Test
    void longTopicNamesAreRefused() {
        String tooLong = "x".repeat(65_536);
        assertThrows(IllegalArgumentException.class, () -> TopicFilter.validateTopicName(tooLong, "topic"));
        TopicFilter.validateTopicName("x".repeat(65_535), "topic");
    }
}
