package io.splitee.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    @Test
    void servesPrometheusTextOverHttp() throws Exception {
        try (MetricsEndpoint m = new MetricsEndpoint()) {
            m.registry().counter("splitee.samples", "outcome", "exit").increment(3);
            int port = m.start("127.0.0.1", 0, "test-metrics");
            assertEquals(port, m.start("127.0.0.1", 0, "test-metrics"), "start is idempotent");
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("splitee_samples_total{outcome=\"exit\"} 3.0"), r.body());
            m.close();
            m.close();
        }
    }
}
