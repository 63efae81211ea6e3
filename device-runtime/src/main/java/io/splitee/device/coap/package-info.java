/**
 * The device's CoAP server (RFC 7252, Eclipse Californium; DTLS 1.2 with Scandium): {@code POST /samples}
 * (a sample frame or a PNG/JPEG/PGM image; block-wise for large ones), observable {@code GET /status}
 * (RFC 7641), read-only {@code GET /config} and {@code /.well-known/core} (RFC 6690). coaps authenticates
 * clients by pre-shared keys ({@code PskFile}, reloaded when it changes), X.509 certificates
 * ({@code X509Credentials}, read at start), or both.
 *
 * <p>The daemon knows {@link CoapService} and the {@link SampleSink} it hands in, nothing of Californium.
 * A posted sample is handed to the sink and enters the daemon's one pipeline; its answer comes back
 * through {@link SampleSink.Reply} once it was published on the results topic, and becomes the CoAP
 * response. Californium's threads only map requests and responses; its configuration is made in code
 * (no {@code Californium3.properties}), and every thread it runs is named {@code splitee-<device>-coap-*}.
 */
package io.splitee.device.coap;
