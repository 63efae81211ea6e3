/**
 * Process lifecycle shared by the device daemon and the gateway: SIGTERM/SIGINT handled before the
 * JVM's shutdown hooks run, so a graceful stop never races ONNX Runtime's own hook.
 */
package io.splitee.lifecycle;
