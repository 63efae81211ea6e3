package io.splitee.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed policy spec, the one validator of policy names for every program: {@code splitee}
 * (UCB over split points), {@code splitee-s} (SplitEE with side observations, as a device sees
 * them), {@code splitee-s-paper} (the published SplitEE-S: side observations with the true C_L),
 * {@code final} (always arm L), {@code fixed:K} (always arm K, K ≥ 1; checked against L when the
 * policy is made), {@code random} (uniform, seeded), {@code early-exit} (the on-device early-exit
 * baseline).
 *
 * <p>The UCB policies take parameters after a colon, comma-separated, in any order:
 * {@code discount=γ} (discounted UCB, γ in (0, 1]), {@code window=τ} (each arm's statistics over its
 * last τ updates, 1 ≤ τ ≤ {@value #MAX_WINDOW}), and, for {@code splitee} and {@code splitee-s-paper},
 * {@code init=authors} (the start of the authors' published code), and, for {@code splitee-s},
 * {@code side=learned} (C_L estimated from full-depth samples, {@code FinalEstimate}). At most one
 * of discount and window. The canonical form lists them as {@code init}, {@code side},
 * {@code discount}, {@code window}, {@code detect}, e.g.
 * {@code splitee-s:discount=0.995}.
 *
 * <p>{@code detect=ph} (the UCB policies but {@code init=authors}): a two-sided Page-Hinkley test on
 * every arm's rewards; when one fires, all statistics start over ({@code DetectingStatistics}).
 * {@code detect-delta=δ} (default 0.05) and
 * {@code detect-threshold=h} (default 8) tune it; the
 * canonical form names them only when they differ from the defaults.
 *
 * <p>{@code refocus=f} (with {@code detect=ph}, for {@code splitee-s} and {@code splitee-s-paper}): after an
 * alarm the policy plays arm L, every exit on the way, for {@code refocus-plays=K} samples (default
 * {@value #DEFAULT_REFOCUS_PLAYS}), so that every arm has K paired observations, and from then on explores with
 * f·c instead of c (f in (0, 1]) until the next alarm, when it does so again. Before the first alarm the play is
 * the detector's, bit for bit.
 *
 * <p>{@code leave=first} (the UCB policies; {@code leave=split}, the default, is the paper's): arm a evaluates exits
 * 1..a in order and the sample leaves at the first with C_i ≥ α; only when none is confident it offloads at a (or
 * answers at L). The canonical form names it last.
 *
 * @param kind     which policy
 * @param fixedArm K for {@link Kind#FIXED}, 0 otherwise
 * @param discount γ of a discounted UCB; 0 when the statistics are not discounted
 * @param window   τ of a sliding-window UCB; 0 when the statistics are not windowed
 * @param authorsInit whether the first L rounds follow the authors' published code (see {@link Characteristic#UNCHARGED_WARM_UP})
 * @param learnedSide {@code splitee-s:side=learned}: on an early exit, C_L is estimated from the samples that
 *                    reached the final exit (and about sqrt(n) full-depth probes, charged), not taken as C_a
 * @param detectDelta     δ of the Page-Hinkley change detector; 0 when there is none
 * @param detectThreshold h of the Page-Hinkley change detector; 0 when there is none
 * @param refocus         f, the factor on the exploration constant after an alarm ({@code refocus=f}); 0 when off
 * @param refocusPlays    K, the plays of arm L right after an alarm; 0 when {@code refocus} is off
 * @param leaveFirst      {@code leave=first} (the UCB policies): arm a evaluates exits 1..a in order and the sample
 *                        leaves at the first with C_i ≥ α, offloading at a only when none is confident (a cascade
 *                        arm, {@link Plan#stopAtFirstConfidentExit}); false ({@code leave=split}, the default): arm a
 *                        evaluates exit a only, as in the paper
 */
public record PolicySpec(Kind kind, int fixedArm, double discount, int window, boolean authorsInit,
                         boolean learnedSide, double detectDelta, double detectThreshold, double refocus,
                         int refocusPlays, boolean leaveFirst) {

    /** The accepted specs, for messages and help ({@code K} stands for an arm number). */
    public static final List<String> SPECS = List.of("splitee", "splitee-s", "splitee-s-paper", "final", "fixed:K",
            "random", "early-exit");

    /** The largest window τ (its rewards are kept per arm and persisted). */
    public static final int MAX_WINDOW = 100_000;

    /** The default K of {@code refocus-plays}: plays of arm L after an alarm. */
    public static final int DEFAULT_REFOCUS_PLAYS = 30;

    /** The largest K of {@code refocus-plays}. */
    public static final int MAX_REFOCUS_PLAYS = 10_000;

    private static final String FIXED = "fixed:";

    /** The policies, with what each is known to do. */
    public enum Kind {
        SPLITEE("splitee", Characteristic.ADAPTIVE, Characteristic.PLAYS_EVERY_ARM),
        SPLITEE_S("splitee-s", Characteristic.ADAPTIVE, Characteristic.PLAYS_EVERY_ARM,
                Characteristic.SIDE_OBSERVATIONS),
        SPLITEE_S_PAPER("splitee-s-paper", Characteristic.ADAPTIVE, Characteristic.PLAYS_EVERY_ARM,
                Characteristic.SIDE_OBSERVATIONS, Characteristic.NEEDS_FINAL_CONFIDENCE),
        FINAL("final"),
        FIXED("fixed"),
        RANDOM("random", Characteristic.PLAYS_EVERY_ARM, Characteristic.RANDOMIZED),
        EARLY_EXIT("early-exit", Characteristic.EVALUATES_EVERY_EXIT, Characteristic.STOPS_AT_FIRST_CONFIDENT_EXIT);

        private final String spec;
        private final Set<Characteristic> characteristics;

        Kind(String spec, Characteristic... characteristics) {
            this.spec = spec;
            EnumSet<Characteristic> set = EnumSet.noneOf(Characteristic.class);
            Collections.addAll(set, characteristics);
            this.characteristics = Collections.unmodifiableSet(set);
        }

        /** The spec's name, e.g. {@code splitee-s}. */
        public String specName() {
            return spec;
        }
    }

    /** A spec without parameters. */
    public PolicySpec(Kind kind, int fixedArm) {
        this(kind, fixedArm, 0, 0, false, false);
    }

    /** A spec without a change detector. */
    public PolicySpec(Kind kind, int fixedArm, double discount, int window, boolean authorsInit, boolean learnedSide) {
        this(kind, fixedArm, discount, window, authorsInit, learnedSide, 0, 0);
    }

    /** A spec whose arms leave at their split exit ({@code leave=split}, the record before {@code leave}). */
    public PolicySpec(Kind kind, int fixedArm, double discount, int window, boolean authorsInit, boolean learnedSide,
                      double detectDelta, double detectThreshold, double refocus, int refocusPlays) {
        this(kind, fixedArm, discount, window, authorsInit, learnedSide, detectDelta, detectThreshold, refocus,
                refocusPlays, false);
    }

    /** A spec without refocus (the record before {@code refocus}). */
    public PolicySpec(Kind kind, int fixedArm, double discount, int window, boolean authorsInit, boolean learnedSide,
                      double detectDelta, double detectThreshold) {
        this(kind, fixedArm, discount, window, authorsInit, learnedSide, detectDelta, detectThreshold, 0, 0);
    }

    /** Validates the pairing of kind, arm and parameters. */
    public PolicySpec {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FIXED ? fixedArm < 1 : fixedArm != 0) {
            throw new IllegalArgumentException(kind == Kind.FIXED ? "policy 'fixed:" + fixedArm
                    + "': the arm must be >= 1" : "policy '" + kind.spec + "' takes no arm");
        }
        boolean ucb = kind.characteristics.contains(Characteristic.ADAPTIVE);
        if (discount != 0 && !(discount > 0 && discount <= 1)) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': discount must be in (0, 1], got " + discount);
        }
        if (window < 0 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': window must be in 1.." + MAX_WINDOW
                    + ", got " + window);
        }
        if (!ucb && (discount != 0 || window != 0 || authorsInit)) {
            throw new IllegalArgumentException("policy '" + kind.spec
                    + "' takes no parameters (only splitee, splitee-s and splitee-s-paper do)");
        }
        if (discount != 0 && window != 0) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': give discount or window, not both");
        }
        if (authorsInit && kind == Kind.SPLITEE_S) {
            throw new IllegalArgumentException("policy 'splitee-s': init=authors is for the published algorithms "
                    + "(splitee, splitee-s-paper)");
        }
        if (learnedSide && kind != Kind.SPLITEE_S) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': side=learned is for splitee-s (the others "
                    + "see C_L or take no side observations)");
        }
        if (authorsInit && (discount != 0 || window != 0)) {
            throw new IllegalArgumentException("policy '" + kind.spec
                    + "': init=authors reproduces the published code and takes no discount or window");
        }
        if ((detectDelta == 0) != (detectThreshold == 0)) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': a change detector needs both δ and h, got "
                    + detectDelta + " and " + detectThreshold);
        }
        if (detectDelta != 0 && !(detectDelta > 0 && detectDelta < 1e6 && detectThreshold > 0 && detectThreshold < 1e9)) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': detect-delta and detect-threshold must be > 0, got "
                    + detectDelta + " and " + detectThreshold);
        }
        if (detectDelta != 0 && (!ucb || authorsInit)) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': detect is for splitee, splitee-s and "
                    + "splitee-s-paper, not with init=authors");
        }
        if ((refocus == 0) != (refocusPlays == 0)) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': refocus needs both its factor and its plays, got "
                    + refocus + " and " + refocusPlays);
        }
        if (refocus != 0 && !(refocus > 0 && refocus <= 1)) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': refocus must be in (0, 1], got " + refocus);
        }
        if (refocusPlays < 0 || refocusPlays > MAX_REFOCUS_PLAYS) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': refocus-plays must be in 1.."
                    + MAX_REFOCUS_PLAYS + ", got " + refocusPlays);
        }
        if (refocus != 0 && !kind.characteristics.contains(Characteristic.SIDE_OBSERVATIONS)) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': refocus is for splitee-s and splitee-s-paper "
                    + "(a play of arm L observes every arm only with side observations)");
        }
        if (refocus != 0 && detectDelta == 0) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': refocus acts after a change detector's alarm; "
                    + "it needs detect=ph");
        }
        if (leaveFirst && !ucb) {
            throw new IllegalArgumentException("policy '" + kind.spec + "': leave=first is for splitee, splitee-s and "
                    + "splitee-s-paper (early-exit always leaves at the first confident exit)");
        }
    }

    /** Whether the policy refocuses after an alarm ({@code refocus=f}). */
    public boolean refocuses() {
        return refocus != 0;
    }

    /** Whether a change detector resets the statistics ({@code detect=ph}). */
    public boolean detects() {
        return detectDelta != 0;
    }

    /**
     * Parses a spec.
     *
     * @throws IllegalArgumentException naming the problem (unknown name, a {@code fixed:K} whose K
     *                                  is not a number ≥ 1, an unknown or bad parameter)
     */
    public static PolicySpec parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.startsWith(FIXED)) {
            String k = spec.substring(FIXED.length());
            int arm;
            try {
                arm = Integer.parseInt(k);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("policy '" + spec + "': '" + k + "' is not an arm number");
            }
            return new PolicySpec(Kind.FIXED, arm);
        }
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        for (Kind k : Kind.values()) {
            if (k != Kind.FIXED && k.spec.equals(name)) {
                return colon < 0 ? new PolicySpec(k, 0) : withParameters(k, spec, spec.substring(colon + 1));
            }
        }
        throw new IllegalArgumentException("unknown policy '" + spec + "' (expected one of "
                + String.join(", ", SPECS) + ")");
    }

    private static PolicySpec withParameters(Kind kind, String spec, String parameters) {
        double discount = 0;
        int window = 0;
        boolean authors = false;
        boolean learned = false;
        boolean detect = false;
        double delta = 0;
        double threshold = 0;
        double refocus = 0;
        int refocusPlays = 0;
        boolean leaveFirst = false;
        List<String> seen = new ArrayList<>();
        for (String p : parameters.split(",", -1)) {
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? "" : p.substring(eq + 1);
            if (eq < 0 || value.isEmpty()) {
                throw new IllegalArgumentException("policy '" + spec + "': parameter '" + p + "' must be key=value");
            }
            if (seen.contains(key)) {
                throw new IllegalArgumentException("policy '" + spec + "': parameter '" + key + "' given twice");
            }
            seen.add(key);
            try {
                switch (key) {
                    case "discount" -> discount = Double.parseDouble(value);
                    case "window" -> window = Integer.parseInt(value);
                    case "init" -> {
                        if (!value.equals("authors")) {
                            throw new IllegalArgumentException("policy '" + spec + "': init must be 'authors', got '"
                                    + value + "'");
                        }
                        authors = true;
                    }
                    case "side" -> {
                        if (!value.equals("learned")) {
                            throw new IllegalArgumentException("policy '" + spec + "': side must be 'learned', got '"
                                    + value + "'");
                        }
                        learned = true;
                    }
                    case "detect" -> {
                        if (!value.equals("ph")) {
                            throw new IllegalArgumentException("policy '" + spec + "': detect must be 'ph' (Page-Hinkley), got '"
                                    + value + "'");
                        }
                        detect = true;
                    }
                    case "detect-delta" -> delta = positive(spec, key, value);
                    case "detect-threshold" -> threshold = positive(spec, key, value);
                    case "leave" -> {
                        if (!value.equals("first") && !value.equals("split")) {
                            throw new IllegalArgumentException("policy '" + spec + "': leave must be 'first' or 'split', "
                                    + "got '" + value + "'");
                        }
                        leaveFirst = value.equals("first");
                    }
                    case "refocus" -> refocus = Double.parseDouble(value);
                    case "refocus-plays" -> refocusPlays = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("policy '" + spec + "': unknown parameter '" + key
                            + "' (expected discount, window, init, side, detect, detect-delta, detect-threshold, refocus, "
                            + "refocus-plays or leave)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("policy '" + spec + "': " + key + " '" + value + "' is not a number");
            }
            if (key.equals("discount") && discount == 0) {
                throw new IllegalArgumentException("policy '" + spec + "': discount must be in (0, 1], got 0");
            }
            if (key.equals("window") && window == 0) {
                throw new IllegalArgumentException("policy '" + spec + "': window must be in 1.." + MAX_WINDOW + ", got 0");
            }
            if (key.equals("refocus") && !(refocus > 0 && refocus <= 1)) {
                throw new IllegalArgumentException("policy '" + spec + "': refocus must be in (0, 1], got " + value);
            }
            if (key.equals("refocus-plays") && (refocusPlays < 1 || refocusPlays > MAX_REFOCUS_PLAYS)) {
                throw new IllegalArgumentException("policy '" + spec + "': refocus-plays must be in 1.." + MAX_REFOCUS_PLAYS
                        + ", got " + value);
            }
        }
        if (refocus == 0 && refocusPlays != 0) {
            throw new IllegalArgumentException("policy '" + spec + "': refocus-plays needs refocus=f");
        }
        if (refocus != 0 && refocusPlays == 0) {
            refocusPlays = DEFAULT_REFOCUS_PLAYS;
        }
        if (!detect && (delta != 0 || threshold != 0)) {
            throw new IllegalArgumentException("policy '" + spec + "': detect-delta and detect-threshold need detect=ph");
        }
        if (detect) {
            delta = delta == 0 ? DetectingStatistics.DEFAULT_DELTA : delta;
            threshold = threshold == 0 ? DetectingStatistics.DEFAULT_THRESHOLD : threshold;
        }
        return new PolicySpec(kind, 0, discount, window, authors, learned, delta, threshold, refocus, refocusPlays,
                leaveFirst);
    }

    private static double positive(String spec, String key, String value) {
        double v = Double.parseDouble(value);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("policy '" + spec + "': " + key + " must be a number > 0, got '" + value + "'");
        }
        return v;
    }

    /** What the policy is known to do. */
    public Set<Characteristic> characteristics() {
        if (discount == 0 && window == 0 && !authorsInit && !learnedSide && detectDelta == 0 && !leaveFirst) {
            return kind.characteristics;
        }
        EnumSet<Characteristic> set = EnumSet.copyOf(kind.characteristics);
        if (discount != 0 || window != 0 || detectDelta != 0) {
            set.add(Characteristic.FORGETS);
        }
        if (authorsInit) {
            set.add(Characteristic.UNCHARGED_WARM_UP);
        }
        if (leaveFirst) {
            set.add(Characteristic.EVALUATES_EVERY_EXIT);
            set.add(Characteristic.STOPS_AT_FIRST_CONFIDENT_EXIT);
        }
        return Collections.unmodifiableSet(set);
    }

    /** Whether the policy has {@code c}. */
    public boolean has(Characteristic c) {
        return characteristics().contains(c);
    }

    /** This spec discounted by γ (the {@code policy.discount} key, {@code --discount}). */
    public PolicySpec withDiscount(double gamma) {
        return new PolicySpec(kind, fixedArm, gamma, window, authorsInit, learnedSide, detectDelta, detectThreshold,
                refocus, refocusPlays, leaveFirst);
    }

    /** This spec windowed to τ (the {@code policy.window} key, {@code --window}). */
    public PolicySpec withWindow(int tau) {
        return new PolicySpec(kind, fixedArm, discount, tau, authorsInit, learnedSide, detectDelta, detectThreshold,
                refocus, refocusPlays, leaveFirst);
    }

    /** This spec with the authors' start ({@code --init authors}). */
    public PolicySpec withAuthorsInit() {
        return new PolicySpec(kind, fixedArm, discount, window, true, learnedSide, detectDelta, detectThreshold,
                refocus, refocusPlays, leaveFirst);
    }

    /** This spec with side=learned (splitee-s). */
    public PolicySpec withLearnedSide() {
        return new PolicySpec(kind, fixedArm, discount, window, authorsInit, true, detectDelta, detectThreshold,
                refocus, refocusPlays, leaveFirst);
    }

    /** This spec with a Page-Hinkley change detector of tolerance δ and threshold h. */
    public PolicySpec withDetector(double delta, double h) {
        return new PolicySpec(kind, fixedArm, discount, window, authorsInit, learnedSide, delta, h, refocus, refocusPlays,
                leaveFirst);
    }

    /**
     * This spec refocusing after an alarm: {@code plays} plays of arm L, then f·c (the {@code policy.refocus} key,
     * {@code --refocus}); {@code withRefocus(0, 0)} turns it off.
     */
    public PolicySpec withRefocus(double f, int plays) {
        return new PolicySpec(kind, fixedArm, discount, window, authorsInit, learnedSide, detectDelta, detectThreshold,
                f, plays, leaveFirst);
    }

    /** Whether arm a leaves at the first confident exit 1..a ({@code leave=first}, a cascade arm). */
    public boolean leavesAtFirstExit() {
        return leaveFirst;
    }

    /** This spec with cascade arms ({@code leave=first}) or the paper's ({@code leave=split}). */
    public PolicySpec withLeaveFirst(boolean first) {
        return new PolicySpec(kind, fixedArm, discount, window, authorsInit, learnedSide, detectDelta, detectThreshold,
                refocus, refocusPlays, first);
    }

    /**
     * Checks the spec against a model of {@code arms} exits.
     *
     * @throws IllegalArgumentException for a {@code fixed:K} with K &gt; arms
     */
    public PolicySpec checkArms(int arms) {
        if (kind == Kind.FIXED && fixedArm > arms) {
            throw new IllegalArgumentException("policy '" + this + "': the arm must be in 1.." + arms);
        }
        return this;
    }

    /** The canonical spec, e.g. {@code splitee-s}, {@code fixed:3} or {@code splitee-s:discount=0.995}. */
    @Override
    public String toString() {
        if (kind == Kind.FIXED) {
            return FIXED + fixedArm;
        }
        List<String> p = new ArrayList<>();
        if (authorsInit) {
            p.add("init=authors");
        }
        if (learnedSide) {
            p.add("side=learned");
        }
        if (discount != 0) {
            p.add("discount=" + String.format(Locale.ROOT, "%s", discount));
        }
        if (window != 0) {
            p.add("window=" + window);
        }
        if (detectDelta != 0) {
            p.add("detect=ph");
            if (detectDelta != DetectingStatistics.DEFAULT_DELTA) {
                p.add("detect-delta=" + String.format(Locale.ROOT, "%s", detectDelta));
            }
            if (detectThreshold != DetectingStatistics.DEFAULT_THRESHOLD) {
                p.add("detect-threshold=" + String.format(Locale.ROOT, "%s", detectThreshold));
            }
        }
        if (refocus != 0) {
            p.add("refocus=" + String.format(Locale.ROOT, "%s", refocus));
            if (refocusPlays != DEFAULT_REFOCUS_PLAYS) {
                p.add("refocus-plays=" + refocusPlays);
            }
        }
        if (leaveFirst) {
            p.add("leave=first");
        }
        return p.isEmpty() ? kind.spec : kind.spec + ":" + String.join(",", p);
    }
}
