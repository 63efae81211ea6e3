package io.splitee.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * Carries out a {@link Plan} against an {@link ExitOracle} and applies the offload rule: the one
 * place where a plan becomes observed confidences, shared by the live device (an oracle backed by
 * the segment runner) and trace replay (an oracle backed by a trace row), so the two cannot drift.
 *
 * <ul>
 *   <li>early-exit plan: exits 1..arm in order; the sample stops at the first with C_i ≥ α (or at
 *       the arm);</li>
 *   <li>any other plan: the exits on the way the plan asks for, then the arm's exit.</li>
 * </ul>
 * The sample offloads iff it stopped at an arm &lt; L with C_arm &lt; α ({@link EngineConfig#offloads}).
 */
public final class PlanExecutor {

    private PlanExecutor() {
    }

    /**
     * Executes {@code plan}.
     *
     * @throws IllegalArgumentException if the plan's arm is beyond L or the oracle returns a
     *                                  confidence outside [0, 1]
     */
    public static Observation execute(Plan plan, EngineConfig config, ExitOracle oracle) {
        Objects.requireNonNull(oracle, "oracle");
        int l = config.arms();
        int arm = plan.arm();
        if (arm > l) {
            throw new IllegalArgumentException("plan " + plan + " is beyond the " + l + " arms");
        }
        double[] c = new double[l];
        Arrays.fill(c, Outcome.UNOBSERVED);
        if (plan.stopsAtFirstConfidentExit()) {
            int exit = 1;
            for (; ; exit++) {
                c[exit - 1] = checked(exit, oracle.confidence(exit));
                if (exit == arm || config.confident(c[exit - 1])) {
                    break;
                }
            }
            arm = exit;
        } else {
            for (int j = 1; j < arm; j++) {
                if (plan.evaluatesOnTheWay(j)) {
                    c[j - 1] = checked(j, oracle.confidence(j));
                }
            }
            c[arm - 1] = checked(arm, oracle.confidence(arm));
        }
        return new Observation(arm, config.offloads(arm, c[arm - 1]), c, plan.arm());
    }

    private static double checked(int exit, double c) {
        if (!(c >= 0 && c <= 1)) {
            throw new IllegalArgumentException("exit " + exit + " reported confidence " + c + ", outside [0, 1]");
        }
        return c;
    }
}
