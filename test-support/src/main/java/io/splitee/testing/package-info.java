/**
 * Test doubles for the peers a unit test cannot start: an in-memory {@code Transport} (a broker in
 * the same JVM, with QoS 1 acknowledgements and redelivery) and a fake {@code SegmentRunner} whose
 * exits return scripted confidences. Test scope only; the integration tests ({@code *IT}) keep the
 * end-to-end claims with a real Mosquitto and the real ONNX model.
 */
package io.splitee.testing;
