package io.splitee.engine;

import java.util.Arrays;

/**
 * What the device does with one sample, as a policy decided it: compute up to {@link #arm()}, and
 * which exit heads to evaluate on the way. {@link PlanExecutor} carries it out; a policy never
 * asks the caller anything else.
 *
 * <ul>
 *   <li>A plain plan evaluates only the arm's exit, then the offload rule decides: exit there when
 *       C_arm ≥ α, otherwise offload (unless the arm is the final exit).</li>
 *   <li>With side observations (SplitEE-S) the exits {@link #evaluatesOnTheWay(int) on the way} are
 *       evaluated too; they change what is learned, never where the sample leaves.</li>
 *   <li>{@link #stopsAtFirstConfidentExit()} (the on-device early-exit baseline) evaluates every exit
 *       1..arm in order and leaves at the first with C_i ≥ α; the played arm is that exit.</li>
 * </ul>
 * Immutable.
 */
public final class Plan {

    private final int arm;
    private final boolean stopAtFirstConfidentExit;
    /** onTheWay[j] for 1 ≤ j &lt; arm; null when none. */
    private final boolean[] onTheWay;

    private Plan(int arm, boolean stopAtFirstConfidentExit, boolean[] onTheWay) {
        if (arm < 1) {
            throw new IllegalArgumentException("arm must be >= 1, got " + arm);
        }
        this.arm = arm;
        this.stopAtFirstConfidentExit = stopAtFirstConfidentExit;
        this.onTheWay = onTheWay;
    }

    /** Compute up to {@code arm}, evaluate only its exit. */
    public static Plan at(int arm) {
        return new Plan(arm, false, null);
    }

    /**
     * Compute up to {@code arm}, evaluate its exit and every exit j &lt; arm with {@code onTheWay[j]}
     * (index 0 and indices ≥ arm are ignored; the array is copied).
     */
    public static Plan withSideExits(int arm, boolean[] onTheWay) {
        boolean[] copy = new boolean[arm];
        boolean any = false;
        for (int j = 1; j < arm && j < onTheWay.length; j++) {
            copy[j] = onTheWay[j];
            any |= onTheWay[j];
        }
        return new Plan(arm, false, any ? copy : null);
    }

    /** Evaluate exits 1..arm in order and leave at the first confident one (the early-exit baseline). */
    public static Plan stopAtFirstConfidentExit(int arm) {
        return new Plan(arm, true, null);
    }

    /** The deepest arm (1-based) the plan computes up to. */
    public int arm() {
        return arm;
    }

    /** Whether the sample leaves at the first exit with C_i ≥ α (the early-exit baseline). */
    public boolean stopsAtFirstConfidentExit() {
        return stopAtFirstConfidentExit;
    }

    /**
     * Whether exit {@code exit}, below the arm, is evaluated on the way (always true for an
     * early-exit plan; false for the arm itself and beyond: the arm's exit is always evaluated).
     */
    public boolean evaluatesOnTheWay(int exit) {
        if (exit < 1 || exit >= arm) {
            return false;
        }
        return stopAtFirstConfidentExit || onTheWay != null && onTheWay[exit];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Plan p && p.arm == arm && p.stopAtFirstConfidentExit == stopAtFirstConfidentExit
                && Arrays.equals(p.onTheWay, onTheWay);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * arm + Boolean.hashCode(stopAtFirstConfidentExit)) + Arrays.hashCode(onTheWay);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Plan[arm=").append(arm);
        if (stopAtFirstConfidentExit) {
            s.append(", stop at first confident exit");
        } else if (onTheWay != null) {
            s.append(", on the way:");
            for (int j = 1; j < arm; j++) {
                if (onTheWay[j]) {
                    s.append(' ').append(j);
                }
            }
        }
        return s.append(']').toString();
    }
}
