package io.splitee.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An MQTT topic filter, parsed once and matched against topic names by our own dispatcher
 * (Paho 1.2.5 only calls the global callback for shared subscriptions, so we never rely on
 * its per-subscription listeners).
 *
 * <p>A shared subscription {@code $share/<group>/<filter>} matches what {@code <filter>} matches.
 * Matching follows MQTT 5 section 4.7: {@code +} matches exactly one level, {@code #} (last level
 * only) matches the parent level and any number of levels below, and a filter starting with a
 * wildcard does not match topics starting with {@code $}.
 */
final class TopicFilter {
    private static final String SHARE_PREFIX = "$share/";

    private final String filter;
    private final String shareGroup;
    private final String[] levels;

    private TopicFilter(String filter, String shareGroup, String[] levels) {
        this.filter = filter;
        this.shareGroup = shareGroup;
        this.levels = levels;
    }

    /**
     * Parses and validates a subscription filter.
     *
     * @throws IllegalArgumentException naming the problem
     */
    static TopicFilter parse(String filter) {
        if (filter == null) {
            throw new IllegalArgumentException("topic filter must not be null");
        }
        checkString(filter, "topic filter");
        String group = null;
        String rest = filter;
        if (filter.startsWith(SHARE_PREFIX)) {
            int slash = filter.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0) {
                throw new IllegalArgumentException("shared subscription '" + filter
                        + "' needs the form $share/<group>/<filter>");
            }
            group = filter.substring(SHARE_PREFIX.length(), slash);
            if (group.isEmpty() || group.contains("+") || group.contains("#")) {
                throw new IllegalArgumentException("shared subscription '" + filter
                        + "' has an empty group name or one with a wildcard");
            }
            rest = filter.substring(slash + 1);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("shared subscription '" + filter + "' has an empty filter");
            }
        }
        String[] levels = rest.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new IllegalArgumentException("topic filter '" + filter
                        + "': '#' must be a whole level and the last one");
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new IllegalArgumentException("topic filter '" + filter + "': '+' must be a whole level");
            }
        }
        return new TopicFilter(filter, group, levels);
    }

    /**
     * Checks a topic name used to publish: non-empty, no wildcards, no NUL, at most 65535 UTF-8 bytes.
     *
     * @param field how the caller names it in the error message
     */
    static void validateTopicName(String topic, String field) {
        if (topic == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        checkString(topic, field);
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            throw new IllegalArgumentException(field + " '" + topic + "' must not contain wildcards (+ or #)");
        }
    }

    private static void checkString(String s, String field) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(field + " '" + s.replace('\0', '?') + "' contains a NUL character");
        }
        if (s.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            throw new IllegalArgumentException(field + " is longer than 65535 UTF-8 bytes");
        }
    }

    /** The filter exactly as given (what is sent in SUBSCRIBE). */
    String filter() {
        return filter;
    }

    /** Whether this is a {@code $share/...} subscription. */
    boolean isShared() {
        return shareGroup != null;
    }

    /** Whether a message published on {@code topic} matches this filter. */
    boolean matches(String topic) {
        if (topic == null || topic.isEmpty()) {
            return false;
        }
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (levels[0].equals("+") || levels[0].equals("#"))) {
            return false;
        }
        int i = 0;
        for (; i < levels.length; i++) {
            String f = levels[i];
            if (f.equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f.equals("+") && !f.equals(t[i])) {
                return false;
            }
        }
        return i == t.length;
    }

    /** The levels after any share prefix, for tests. */
    List<String> levels() {
        return List.of(levels);
    }

    @Override
    public String toString() {
        return filter;
    }
}
