package io.splitee.mqtt;

import io.splitee.mqtt.spi.TransportProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finds the {@link TransportProvider} that {@link MqttSettings#client()} names, on the class path. */
final class TransportProviders {
    private TransportProviders() {
    }

    static Transport create(MqttSettings settings) {
        String wanted = settings.client().name().toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        ServiceLoader<TransportProvider> loader =
                ServiceLoader.load(TransportProvider.class, TransportProvider.class.getClassLoader());
        try {
            for (TransportProvider p : loader) {
                if (p.name().equals(wanted)) {
                    return create(p, settings, wanted);
                }
                found.add(p.name());
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException("mqtt.client=" + wanted + ": a transport provider on the class path "
                    + "cannot be loaded (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException(missing(settings.client(), wanted, found));
    }

    private static Transport create(TransportProvider p, MqttSettings settings, String wanted) {
        try {
            return p.create(settings);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("mqtt.client=" + wanted + " needs " + library(settings.client())
                    + " on the class path; its transport is there but the client is not (" + e + ")", e);
        }
    }

    /** One line: the key, the value, what is missing and where to get it. */
    private static String missing(MqttSettings.Client client, String wanted, List<String> found) {
        return "mqtt.client=" + wanted + " needs " + library(client) + " on the class path"
                + (client == MqttSettings.Client.HIVEMQ ? "; the device jar ships Paho only" : "")
                + " (no transport provider '" + wanted + "' found; it comes with the module io.splitee:mqtt-"
                + wanted + "; found: " + (found.isEmpty() ? "none" : String.join(", ", found)) + ")";
    }

    private static String library(MqttSettings.Client client) {
        return switch (client) {
            case PAHO -> "Eclipse Paho";
            case HIVEMQ -> "the HiveMQ MQTT client";
        };
    }
}
