package io.splitee.linkproxy;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The shape of an emulated link, the same in both directions.
 *
 * @param name          profile name (for logs and reports)
 * @param bitsPerSecond bandwidth of each direction; 0 = unlimited
 * @param roundTrip     added round-trip time; each direction is delayed by half of it
 */
public record LinkProfile(String name, long bitsPerSecond, Duration roundTrip) {
    /** No shaping at all. */
    public static final LinkProfile NONE = new LinkProfile("none", 0, Duration.ZERO);
    /** A good Wi-Fi link: about 20 Mbit/s and 5 ms round trip. */
    public static final LinkProfile WIFI = new LinkProfile("wifi", 20_000_000, Duration.ofMillis(5));
    /** A mobile link: about 5 Mbit/s and 40 ms round trip. */
    public static final LinkProfile LTE = new LinkProfile("lte", 5_000_000, Duration.ofMillis(40));
    /** A constrained link (LPWAN-class backhaul, a congested uplink): 250 kbit/s and 150 ms round trip. */
    public static final LinkProfile CONSTRAINED = new LinkProfile("constrained", 250_000, Duration.ofMillis(150));

    public LinkProfile {
        Objects.requireNonNull(name, "name");
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("bitsPerSecond: " + bitsPerSecond + " must be ≥ 0 (0 = unlimited)");
        }
        Objects.requireNonNull(roundTrip, "roundTrip");
        if (roundTrip.isNegative()) {
            throw new IllegalArgumentException("roundTrip: " + roundTrip + " must not be negative");
        }
    }

    /**
     * A named profile: {@code none}, {@code wifi}, {@code lte}, {@code constrained}, or a custom
     * {@code <kbit/s>kbit:<rtt ms>ms} such as {@code 1000kbit:80ms}.
     *
     * @throws IllegalArgumentException naming the accepted profiles
     */
    public static LinkProfile parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "none":
                return NONE;
            case "wifi":
                return WIFI;
            case "lte":
                return LTE;
            case "constrained":
                return CONSTRAINED;
            default:
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)kbit:(\\d+)ms").matcher(v);
                if (m.matches()) {
                    return new LinkProfile(v, Long.parseLong(m.group(1)) * 1000,
                            Duration.ofMillis(Long.parseLong(m.group(2))));
                }
                throw new IllegalArgumentException("unknown link profile '" + s
                        + "' (none, wifi, lte, constrained, or <kbit/s>kbit:<rtt>ms such as 1000kbit:80ms)");
        }
    }

    /** Time to serialise {@code bytes} onto this link, in nanoseconds (0 when unlimited). */
    long transmitNanos(long bytes) {
        return bitsPerSecond == 0 ? 0 : bytes * 8L * 1_000_000_000L / bitsPerSecond;
    }

    /** One-way propagation delay in nanoseconds. */
    long oneWayNanos() {
        return roundTrip.toNanos() / 2;
    }
}
