package io.splitee.gateway;

/** Entry point of {@code splitee-gateway.jar}. The gateway service lands with its own issue. */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) {
        System.err.println("splitee-gateway: not implemented yet (see the gateway issue)");
        System.exit(2);
    }
}
