package io.splitee.demo.gateway;

import io.splitee.model.ModelPackage;

/**
 * Starts whatever completes offloads for every device on a broker: it takes frames from
 * {@code splitee/+/features}, finishes inference and answers on each frame's response topic.
 */
@FunctionalInterface
public interface GatewayLauncher {

    /**
     * Starts a gateway.
     *
     * @param pkg       the model package (the same one the device serves)
     * @param brokerUri the broker, e.g. {@code tcp://127.0.0.1:1883}; the gateway connects directly
     * @return the running gateway; closing it stops it
     * @throws Exception when it cannot start (the message names what failed)
     */
    RunningGateway launch(ModelPackage pkg, String brokerUri) throws Exception;

    /** A running gateway. */
    interface RunningGateway extends AutoCloseable {
        /** Offloads answered so far. */
        long answered();

        /** Stops the gateway. Idempotent. */
        @Override
        void close();
    }

    /**
     * TEMPORARY (until {@code io.splitee.gateway} lands): a minimal in-process responder with the
     * real ONNX runner, the logic of the device's {@code TestResponder}.
     */
    static GatewayLauncher temporaryResponder() {
        return TemporaryResponder::start;
    }
}
