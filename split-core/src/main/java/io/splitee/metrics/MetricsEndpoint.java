package io.splitee.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.splitee.lifecycle.Threads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Prometheus registry and, when started with a port, an HTTP endpoint serving it at {@code /metrics}
 * on one named thread. {@link #close()} is idempotent.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private HttpServer server;
    private ExecutorService executor;

    /** The registry meters are created in (also without an endpoint, so code never checks for null). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Serves {@code /metrics} on {@code bindAddress:port}; port 0 binds a free port.
     *
     * @return the bound port
     */
    public synchronized int start(String bindAddress, int port, String threadName) throws IOException {
        if (server != null) {
            return server.getAddress().getPort();
        }
        HttpServer s = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        s.createContext("/metrics", this::serve);
        executor = Executors.newSingleThreadExecutor(Threads.factory(threadName, true));
        s.setExecutor(executor);
        s.start();
        server = s;
        return s.getAddress().getPort();
    }

    /** Prometheus text of every meter now. */
    public String scrape() {
        return registry.scrape();
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
        registry.close();
    }
}
