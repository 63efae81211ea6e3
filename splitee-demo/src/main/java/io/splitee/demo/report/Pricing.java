package io.splitee.demo.report;

import io.splitee.engine.CostModel;
import io.splitee.engine.PaperCost;
import java.util.Arrays;
import java.util.Objects;

/**
 * How every row of one report is priced: the paper's units (λ per block, o per offload) or the costs a device
 * measured in the same run (its compute, link and gateway milliseconds times its weights, frozen at the end of the
 * run). A report refuses rows priced differently.
 *
 * @param unit      what the numbers are, one phrase, e.g. {@code paper units (λ = 0.01, o = 0.3)}
 * @param model     the price of an arm, on the device or offloaded after it (arm 0: the raw sample offloaded)
 * @param everyExit the same prices for a policy that evaluates every exit head on the way to its arm (early exit,
 *                  {@code leave=first}): measured, exit heads 1..a charged; in paper units the same as {@code model}
 */
public record Pricing(String unit, CostModel model, CostModel everyExit) {
    /** Validates. */
    public Pricing {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(everyExit, "everyExit");
        if (unit.isBlank()) {
            throw new IllegalArgumentException("unit must not be blank");
        }
    }

    /** Prices that do not depend on the exit heads evaluated on the way. */
    public Pricing(String unit, CostModel model) {
        this(unit, model, model);
    }

    /** The prices of a policy that does ({@code everyExit}) or does not evaluate every exit head on the way. */
    public CostModel model(boolean everyExit) {
        return everyExit ? this.everyExit : model;
    }

    /** The paper's cost, λ·arm (+ o when offloaded). */
    public static Pricing paper(double lambda, double offloadCost) {
        PaperCost p = new PaperCost(lambda, offloadCost);
        return new Pricing("paper units (λ = " + lambda + ", o = " + offloadCost + ")", new CostModel() {
            @Override
            public double cost(int arm, boolean offloaded) {
                return lambda * arm + (offloaded ? offloadCost : 0);
            }

            @Override
            public String toString() {
                return p.toString();
            }
        });
    }

    /**
     * Measured prices, one per arm.
     *
     * @param source    where they come from, e.g. {@code the device's measured costs at the end of the run}
     * @param onDevice  the price of answering on the device at arm a, index a = 0..L (index 0 unused), finite
     * @param offloaded the price of offloading after arm a, index a = 0..L (0: the raw sample; L unused), finite
     */
    public static Pricing measured(String source, double[] onDevice, double[] offloaded) {
        return measured(source, onDevice, offloaded, onDevice, offloaded);
    }

    /**
     * Measured prices, one per arm, and the same prices with every exit head on the way charged (for early exit and
     * {@code leave=first}).
     */
    public static Pricing measured(String source, double[] onDevice, double[] offloaded, double[] onDeviceEveryExit,
                                   double[] offloadedEveryExit) {
        Pricing plain = measuredModel(source, onDevice, offloaded);
        Pricing every = measuredModel(source, onDeviceEveryExit, offloadedEveryExit);
        return new Pricing(plain.unit(), plain.model(), every.model());
    }

    private static Pricing measuredModel(String source, double[] onDevice, double[] offloaded) {
        double[] d = onDevice.clone();
        double[] o = offloaded.clone();
        if (d.length != o.length || d.length < 2) {
            throw new IllegalArgumentException("measured prices need arms 0..L on the device and offloaded, got "
                    + d.length + " and " + o.length);
        }
        for (int a = 0; a < d.length; a++) {
            if ((a < d.length - 1 && !Double.isFinite(o[a])) || (a > 0 && !Double.isFinite(d[a]))) {
                throw new IllegalArgumentException("measured price of arm " + a + " is not finite: device " + d[a]
                        + ", offloaded " + o[a]);
            }
        }
        return new Pricing("measured cost units (" + source + ")", new CostModel() {
            @Override
            public double cost(int arm, boolean off) {
                if (arm < 0 || arm >= d.length) {
                    throw new IllegalArgumentException("arm must be in 0.." + (d.length - 1) + ", got " + arm);
                }
                return off && arm < d.length - 1 ? o[arm] : d[Math.max(arm, 1)];
            }

            @Override
            public String toString() {
                return "measured " + Arrays.toString(d) + " / " + Arrays.toString(o);
            }
        });
    }

    /** Whether these are measured prices. */
    public boolean measured() {
        return unit.startsWith("measured");
    }
}
