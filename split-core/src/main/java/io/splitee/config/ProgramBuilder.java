package io.splitee.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What the configuration builders of the device daemon and the gateway share: the broker connection
 * ({@code mqtt.*}), ONNX Runtime's intra-op threads, the bound of the intake queue, the metrics port and the
 * shutdown grace. Each program's builder extends it with its own values and validates everything in its
 * {@code build()}; the keys, and so the defaults and ranges, stay the program's own.
 *
 * @param <B> the program's builder, returned by every setter
 */
public abstract class ProgramBuilder<B extends ProgramBuilder<B>> {
    /** {@code metrics.port}, the same for both programs. */
    public static final ConfigKey<Integer> METRICS_PORT = ConfigKey.integer("metrics.port", 0, 0, 65_535,
            "Prometheus text at `http://<host>:<port>/metrics`; 0 = off");

    /** {@code metrics.bind}, the same for both programs: an IP address literal, loopback by default. */
    public static final ConfigKey<String> METRICS_BIND = ConfigKey.text("metrics.bind", "127.0.0.1",
            "address the metrics endpoint listens on, an IP literal: `127.0.0.1` (this machine only), `0.0.0.0` "
                    + "(every interface) or one of the host's addresses").allowing(ProgramBuilder::isIpLiteral,
            "must be an IPv4 or IPv6 address literal, e.g. 127.0.0.1 or ::1");

    private final ConfigKey<Integer> intraOpThreadsKey;
    private final ConfigKey<Integer> queueSizeKey;
    private final ConfigKey<Duration> shutdownGraceKey;

    /** {@code mqtt.*}. */
    protected MqttConnection mqtt;
    /** {@code runtime.intra-op-threads}. */
    protected int intraOpThreads;
    /** {@code queue.size}. */
    protected int queueSize;
    /** {@code metrics.port}. */
    protected int metricsPort;
    /** {@code metrics.bind}. */
    protected String metricsBind;
    /** {@code shutdown.grace}. */
    protected Duration shutdownGrace;

    /**
     * A builder with {@code mqtt} and every other value at its key's default.
     *
     * @param mqtt           the program's default broker connection
     * @param intraOpThreads the program's {@code runtime.intra-op-threads} key
     * @param queueSize      the program's {@code queue.size} key
     * @param shutdownGrace  the program's {@code shutdown.grace} key
     */
    protected ProgramBuilder(MqttConnection mqtt, ConfigKey<Integer> intraOpThreads, ConfigKey<Integer> queueSize,
                             ConfigKey<Duration> shutdownGrace) {
        this.intraOpThreadsKey = Objects.requireNonNull(intraOpThreads, "intraOpThreads");
        this.queueSizeKey = Objects.requireNonNull(queueSize, "queueSize");
        this.shutdownGraceKey = Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        this.mqtt = mqtt;
        this.intraOpThreads = intraOpThreads.defaultValue().orElseThrow();
        this.queueSize = queueSize.defaultValue().orElseThrow();
        this.metricsPort = METRICS_PORT.defaultValue().orElseThrow();
        this.metricsBind = METRICS_BIND.defaultValue().orElseThrow();
        this.shutdownGrace = shutdownGrace.defaultValue().orElseThrow();
    }

    /**
     * Sets every value this class holds from {@code c}: the {@code mqtt.*} keys, the program's three keys, {@link #METRICS_PORT} and {@link #METRICS_BIND}.
     *
     * @throws ConfigException naming the key when a value is wrong
     */
    public B read(ConfigSource c) throws ConfigException {
        return mqtt(MqttConnection.read(c))
                .intraOpThreads(c.get(intraOpThreadsKey))
                .queueSize(c.get(queueSizeKey))
                .metricsPort(c.get(METRICS_PORT))
                .metricsBind(c.get(METRICS_BIND))
                .shutdownGrace(c.get(shutdownGraceKey));
    }

    /** The {@code mqtt.*} keys (default: the program's). */
    public B mqtt(MqttConnection value) {
        this.mqtt = value;
        return self();
    }

    /** {@code runtime.intra-op-threads}. */
    public B intraOpThreads(int value) {
        this.intraOpThreads = value;
        return self();
    }

    /** {@code queue.size}. */
    public B queueSize(int value) {
        this.queueSize = value;
        return self();
    }

    /** {@code metrics.bind}. */
    public B metricsBind(String value) {
        this.metricsBind = value;
        return self();
    }

    /** {@code metrics.port}. */
    public B metricsPort(int value) {
        this.metricsPort = value;
        return self();
    }

    /** {@code shutdown.grace}. */
    public B shutdownGrace(Duration value) {
        this.shutdownGrace = value;
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Whether {@code s} is an IPv4 dotted quad or an IPv6 literal (never a host name: nothing is looked up). */
    static boolean isIpLiteral(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            if (!s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.')) {
                return false;
            }
            try {
                return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
