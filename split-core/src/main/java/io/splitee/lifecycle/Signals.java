package io.splitee.lifecycle;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT as a request to stop, handled before the JVM starts shutting down; SIGHUP as a
 * request to reload ({@link #onHangup}).
 *
 * <p>Why not a shutdown hook: ONNX Runtime's Java binding registers its own hook that releases the
 * native environment, and hooks run concurrently, so a graceful drain in a hook races ONNX Runtime
 * being torn down under a running session (a SIGSEGV in {@code libonnxruntime.so}). Handling the
 * signal instead lets the service finish and release its sessions first; only then does the caller
 * exit and the hooks run. The JDK's {@code sun.misc.Signal} (module {@code jdk.unsupported}) is kept
 * behind this class and reached reflectively; where it is unavailable a shutdown hook is the fallback.
 */
public final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /**
     * Runs {@code stop} once, on a new thread named {@code threadName}, at the first SIGTERM or SIGINT.
     */
    public static void onTerminate(Runnable stop, String threadName) {
        AtomicBoolean once = new AtomicBoolean();
        Runnable start = () -> {
            if (once.compareAndSet(false, true)) {
                Threads.factory(threadName, true).newThread(stop).start();
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                handle(name, start);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.warn("cannot handle SIG{} ({}); stopping from a shutdown hook instead", name, e.toString());
                Runtime.getRuntime().addShutdownHook(Threads.factory(threadName, false).newThread(() -> {
                    if (once.compareAndSet(false, true)) {
                        stop.run();
                    }
                }));
            }
        }
    }

    /**
     * Runs {@code action} at every SIGHUP (the conventional "reload your configuration"), each time on a new
     * thread named {@code threadName}; a SIGHUP arriving while one still runs is dropped. Without a handler
     * a SIGHUP would stop the JVM, so a caller that cannot handle it says so.
     *
     * @return whether the handler is installed (false where {@code sun.misc.Signal} is unavailable or the
     *         signal reserved, e.g. with {@code -Xrs}: a warning says why; false too where the process was
     *         started with SIGHUP ignored, e.g. under {@code nohup}, which the JVM keeps)
     */
    public static boolean onHangup(Runnable action, String threadName) {
        AtomicBoolean running = new AtomicBoolean();
        try {
            Object before = handle("HUP", () -> {
                if (running.compareAndSet(false, true)) {
                    Threads.factory(threadName, true).newThread(() -> {
                        try {
                            action.run();
                        } finally {
                            running.set(false);
                        }
                    }).start();
                }
            });
            if (before == Class.forName("sun.misc.SignalHandler").getField("SIG_IGN").get(null)) {
                // the JVM leaves a hang-up ignored by its parent (nohup) ignored and installs nothing
                LOG.info("SIGHUP is ignored by this process (started with nohup?): no reload on SIGHUP");
                return false;
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("cannot handle SIGHUP ({}); reload by other means", e.toString());
            return false;
        }
    }

    /**
     * {@code sun.misc.Signal.handle(new Signal(name), s -> action.run())}, called reflectively so that the
     * build does not warn about the unsupported API on every compile; returns the handler before.
     */
    private static Object handle(String name, Runnable action) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handler = Class.forName("sun.misc.SignalHandler");
        Object sig = signal.getConstructor(String.class).newInstance(name);
        Object h = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "SIG" + name + " handler";
                        };
                    }
                    action.run();
                    return null;
                });
        try {
            return signal.getMethod("handle", signal, handler).invoke(null, sig, h);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // IllegalArgumentException: the signal is reserved (e.g. -Xrs)
            }
            throw e;
        }
    }
}
