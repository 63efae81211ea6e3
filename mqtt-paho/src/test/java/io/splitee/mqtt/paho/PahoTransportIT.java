package io.splitee.mqtt.paho;

import io.splitee.mqtt.MqttSettings;
import io.splitee.mqtt.Transport;
import io.splitee.mqtt.TransportContract;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The {@link Transport} contract on Eclipse Paho ({@link PahoTransport}). Every contract test holds for
 * Paho as it is; nothing here is Paho-only beyond reading Paho's own in-flight count.
 */
class PahoTransportIT extends TransportContract {
    @Override
    protected MqttSettings.Client client() {
        return MqttSettings.Client.PAHO;
    }

    @Override
    protected String clientErrorMarker() {
        return "Paho reason";
    }

    /** Paho sends each acknowledgement when it is made, in any order: exactly the unacked ones come back. */
    @Override
    protected Set<Integer> redeliveredAfterAckingTheEvenOnes() {
        return Set.of(1, 3, 5, 7, 9);
    }

    /** Paho counts its own in-flight publishes: they must never exceed our window either. */
    @Override
    protected IntSupplier clientInFlight(Transport t) {
        return ((PahoTransport) t)::pahoInFlight;
    }

    /** Paho resends what it kept whatever the CONNACK says (ClientState.restoreInflightMessages). */
    @Override
    protected boolean resendsIntoANewSession() {
        return true;
    }
}
