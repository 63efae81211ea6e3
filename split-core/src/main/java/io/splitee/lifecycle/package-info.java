/**
 * Process lifecycle shared by the device daemon and the gateway: SIGTERM/SIGINT handled before the
 * JVM's shutdown hooks run, so a graceful stop never races ONNX Runtime's own hook ({@link
 * io.splitee.lifecycle.Signals}); named threads and waiting on them ({@link io.splitee.lifecycle.Threads});
 * the service manager told about readiness, status, liveness and the shutdown ({@link
 * io.splitee.lifecycle.ServiceManager}, systemd's {@code sd_notify} protocol or nothing; {@link
 * io.splitee.lifecycle.ServiceNotifier}), with liveness vouched for by the worker loops' {@link
 * io.splitee.lifecycle.Heartbeats}.
 */
package io.splitee.lifecycle;
