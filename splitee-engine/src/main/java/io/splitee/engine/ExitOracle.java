package io.splitee.engine;

/**
 * Where {@link PlanExecutor} gets an exit's confidence from: the device's segment runner (computing
 * the blocks up to the exit, then its exit head) or a recorded trace row. Within one sample the
 * executor asks for exits in increasing order, each at most once.
 */
@FunctionalInterface
public interface ExitOracle {

    /**
     * C_exit of the current sample, a finite number in [0, 1].
     *
     * @param exit 1-based exit
     */
    double confidence(int exit);
}
