package io.splitee.device.daemon;

import io.splitee.device.config.DeviceConfig;
import java.util.function.LongSupplier;

/**
 * What every stage of the worker shares: the configuration, the computation, how results are built and
 * handed to the answers stage, the meters and the clock.
 */
record Core(DeviceConfig config, Compute compute, Results results, Answers answers, DeviceMetrics metrics,
            LongSupplier nanos) {
}
