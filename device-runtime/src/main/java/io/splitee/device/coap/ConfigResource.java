package io.splitee.device.coap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.splitee.device.config.DeviceConfig;
import java.nio.charset.StandardCharsets;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * Read-only {@code GET /config}: every key's value as the configuration file writes it
 * ({@link DeviceConfig#describe()}), secrets masked. Made once: the configuration does not change while
 * the daemon runs.
 */
final class ConfigResource extends CoapResource {
    private final byte[] body;
    private final CoapMetrics metrics;

    ConfigResource(DeviceConfig config, CoapMetrics metrics) {
        super("config");
        this.metrics = metrics;
        ObjectNode n = new ObjectMapper().createObjectNode();
        config.describe().forEach(n::put);
        this.body = n.toString().getBytes(StandardCharsets.UTF_8);
        getAttributes().setTitle("the configuration, read-only, secrets masked");
        getAttributes().addResourceType("splitee.config");
        getAttributes().addContentType(MediaTypeRegistry.APPLICATION_JSON);
    }

    @Override
    public void handleGET(CoapExchange ex) {
        metrics.responded("config", ResponseCode.CONTENT, "");
        ex.respond(ResponseCode.CONTENT, body, MediaTypeRegistry.APPLICATION_JSON);
    }
}
