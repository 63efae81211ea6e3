/**
 * The demo's own MQTT 5 broker: HiveMQ Community Edition, embedded in the demo's process on a free
 * loopback port, with in-memory persistence, its data in a temporary folder, and no logging bootstrap
 * of its own (the process keeps one SLF4J provider). HiveMQ lives only here and only in the demo's jar;
 * the device and the gateway talk to any MQTT 5 broker.
 *
 * <p>Entry type: {@link io.splitee.demo.broker.EmbeddedBroker}.
 */
package io.splitee.demo.broker;
