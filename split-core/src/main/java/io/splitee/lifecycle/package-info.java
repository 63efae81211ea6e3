/**
 * Process lifecycle shared by the device daemon and the gateway: SIGTERM/SIGINT handled before the
 * JVM's shutdown hooks run, so a graceful stop never races ONNX Runtime's own hook ({@link
 * io.splitee.lifecycle.Signals}); named threads and waiting on them ({@link io.splitee.lifecycle.Threads}).
 */
package io.splitee.lifecycle;
