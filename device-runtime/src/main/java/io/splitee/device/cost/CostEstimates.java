package io.splitee.device.cost;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Smoothed measurements of what each arm costs on this device and link. Not thread-safe: one owner
 * (the daemon's worker thread) feeds and reads it.
 *
 * <p>The link is modelled as {@code time(bytes) = roundTrip + bytes / throughput}, fitted by least
 * squares with exponential forgetting to every answered offload's (bytes, link time): the round trip is
 * the intercept, the throughput the inverse slope. The link time of an offload is its end-to-end time
 * minus the gateway's own time, which the gateway reports in its result. The slope is only refitted
 * while the recent offloads differ in size (spread over {@value #MIN_SIZE_SPREAD} bytes); while they
 * are all alike (only probes, say) the last slope stands and only the round trip moves. Old
 * observations fade at the smoothing weight, so a slow first offload (class loading, JIT) or an
 * outage is forgotten after a few dozen offloads.
 *
 * <p>Two views of the same measurements ({@link Estimate}). {@link Estimate#SMOOTHED}, the exponentially
 * weighted means above (about the last 10 observations), follows the device and the link fast: deadlines,
 * suspicion of a silent gateway, the payload choice, the gauges and the demo's report read it.
 * {@link Estimate#STEADY}, the median of each quantity's last {@value #STEADY_WINDOW} observations (the link: the
 * median of the last {@value #STEADY_WINDOW} offloads' round trips, each its link time less the fitted transfer
 * time of its bytes), is what a learner prices its arms with: a learner that prices every arm with the estimates
 * of the moment (choice-time pricing) moves its argmax between near-tied arms on a few per cent of noise in a
 * smoothed mean, and one missed deadline (500 ms) raised the smoothed round trip of a 10 ms link by 49 ms. The
 * median ignores a minority of outliers and moves once half its window has seen a lasting change.
 */
public final class CostEstimates {
    static final int MIN_SIZE_SPREAD = 256;
    /**
     * The daemon's number of answered offloads after a start that are not recorded: the peers' warm-up. The first offloads of a run
     * meet the gateway's first inferences and cold message paths (measured in the demo: round trips of 515 and
     * 439 ms, 296 ms of them the gateway's first run, against about 50 ms and 10 ms from the third on); fitted,
     * they would price every offload at several times its cost for dozens of offloads, and a learner that
     * stops offloading because of that price never measures the link again. 2 was not enough: with the gateway
     * warmed up and round trips ending on arrival, the demo's first 19 offloads still measured 118 ms links on a
     * 5 ms profile and the learner kept every sample on the device; with 32, two default runs settled on the
     * best fixed arm (docs/demo.md). Missed deadlines are never skipped ({@link #recordMissedOffload}).
     */
    public static final int WARM_UP_OFFLOADS = 32;
    /**
     * A block's or exit's measured time counts as at most this many times its estimate. Compute times are wall-clock
     * times, and on a loaded host a call whose thread is descheduled measures a time slice: LinkChangeIT on a loaded
     * 2-core machine measured 0.1 ms blocks at 2 to 60 ms (median 4.8 ms) in about 2% of the calls, one such call
     * raising the block's estimate (weight 0.1) up to fifteenfold. The estimate of a block is only measured again when a sample computes it, so a deep block
     * hit that way stayed dear while the learner played arms that stop before it, which made arm 12 look dearer than
     * offloading behind a 400 ms link. Capped, one such call raises the estimate by 30 %, and a lasting slowdown (a
     * loaded or throttled board) is followed by a factor of 1.3 per sample.
     */
    static final double COMPUTE_SPIKE_CAP = 4.0;
    /** Assumed until measured: a modest Wi-Fi link. */
    static final double DEFAULT_RTT_MS = 10.0;
    static final double DEFAULT_BYTES_PER_MS = 1_000.0; // 8 Mbit/s
    /** Observations in each {@link Estimate#STEADY} median: blocks, exits, gateway segments, link round trips. */
    public static final int STEADY_WINDOW = 63;
    /**
     * Samples after which an observation leaves the {@link Estimate#STEADY} medians ({@link #sampleStarted}): a learner
     * that stopped offloading measures the link only by probes (one every 10 s by default, 500 samples at 50/s), and a
     * median of 63 old offloads would outvote them for minutes; measured in the demo: 3,350 samples on the deepest arm
     * after a start-up under load had priced the link at twice its later time.
     */
    public static final int STEADY_MAX_AGE = 500;

    /** Which view of the measurements a reader takes (see the class comment). */
    public enum Estimate {
        /** Exponentially weighted means: fast, for deadlines, the payload choice, gauges and reports. */
        SMOOTHED,
        /** Medians of the last {@value CostEstimates#STEADY_WINDOW} observations: robust, for a learner's prices. */
        STEADY
    }

    private final int blocks;
    private final Ewma[] blockMs;
    private final Ewma[] exitMs;
    private final Ewma[] gatewayMsFrom;
    private final MedianWindow[] steadyBlockMs;
    private final MedianWindow[] steadyExitMs;
    private final MedianWindow[] steadyGatewayMsFrom;
    /** The last {@value #STEADY_WINDOW} link observations (bytes, link ms), oldest overwritten first. */
    private final double[] linkBytes = new double[STEADY_WINDOW];
    private final double[] linkTimes = new double[STEADY_WINDOW];
    private final long[] linkStamps = new long[STEADY_WINDOW];
    /** Samples started ({@link #sampleStarted}): the steady medians' clock. */
    private long samples;
    private int linkCount;
    private int linkNext;
    /** The steady round trip as last computed, and for which slope; NaN: to recompute. */
    private double steadyRtt = Double.NaN;
    private double steadyRttSlope = Double.NaN;
    private final double weight;
    /** Exponentially weighted moments of (bytes, link ms) for the least-squares fit. */
    private double mB;
    private double mT;
    private double mBB;
    private double mBT;
    private boolean linkKnown;
    private double rtt = DEFAULT_RTT_MS;
    private double msPerByte = 1.0 / DEFAULT_BYTES_PER_MS;
    private boolean slopeKnown;
    private final int warmUpOffloads;
    private int offloadsSkipped;
    /** Whether the link fit holds missed deadlines only (no answer yet): the first answer replaces it. */
    private boolean onlyMisses;

    /**
     * @param blocks the model's number of blocks L
     * @param weight the smoothing weight of a new observation in (0, 1] (0.1: about the last 10 samples)
     */
    public CostEstimates(int blocks, double weight) {
        this(blocks, weight, 0);
    }

    /**
     * @param blocks         the model's number of blocks L
     * @param weight         the smoothing weight of a new observation in (0, 1]
     * @param warmUpOffloads how many answered offloads, counted from construction, are not recorded (≥ 0; the
     *                       daemon's is {@link #WARM_UP_OFFLOADS})
     */
    public CostEstimates(int blocks, double weight, int warmUpOffloads) {
        if (warmUpOffloads < 0) {
            throw new IllegalArgumentException("warmUpOffloads: " + warmUpOffloads + " must be ≥ 0");
        }
        this.warmUpOffloads = warmUpOffloads;
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks: " + blocks + " must be ≥ 1");
        }
        this.blocks = blocks;
        this.weight = weight;
        this.blockMs = newArray(blocks + 1, weight);
        this.exitMs = newArray(blocks + 1, weight);
        this.gatewayMsFrom = newArray(blocks + 2, weight);
        this.steadyBlockMs = newWindows(blocks + 1);
        this.steadyExitMs = newWindows(blocks + 1);
        this.steadyGatewayMsFrom = newWindows(blocks + 2);
    }

    private static MedianWindow[] newWindows(int n) {
        MedianWindow[] a = new MedianWindow[n];
        for (int i = 0; i < n; i++) {
            a[i] = new MedianWindow(STEADY_WINDOW);
        }
        return a;
    }

    private static Ewma[] newArray(int n, double w) {
        Ewma[] a = new Ewma[n];
        for (int i = 0; i < n; i++) {
            a[i] = new Ewma(w);
        }
        return a;
    }

    /** The number of blocks L. */
    public int blocks() {
        return blocks;
    }

    /**
     * A sample started: the clock of the {@link Estimate#STEADY} medians, whose observations older than
     * {@value #STEADY_MAX_AGE} samples leave them (a quantity without a recent observation is read from the smoothed
     * means). The daemon calls it once per sample it runs.
     */
    public void sampleStarted() {
        samples++;
        long oldest = samples - STEADY_MAX_AGE;
        for (MedianWindow[] ws : new MedianWindow[][] {steadyBlockMs, steadyExitMs, steadyGatewayMsFrom}) {
            for (MedianWindow w : ws) {
                w.expire(oldest);
            }
        }
        int before = linkCount;
        while (linkCount > 0 && linkStamps[Math.floorMod(linkNext - linkCount, STEADY_WINDOW)] < oldest) {
            linkCount--;
        }
        if (linkCount != before) {
            steadyRtt = Double.NaN;
        }
    }

    /** Records the measured compute time of block {@code i} (1-based) for one sample. */
    public void recordBlock(int i, Duration d) {
        blockMs[checkBlock(i)].addCapped(millis(d), COMPUTE_SPIKE_CAP);
        steadyBlockMs[i].add(millis(d), samples); // a median: one descheduled call moves it by one rank, uncapped
    }

    /** Records the measured compute time of exit head {@code i} (1-based) for one sample. */
    public void recordExit(int i, Duration d) {
        exitMs[checkBlock(i)].addCapped(millis(d), COMPUTE_SPIKE_CAP);
        steadyExitMs[i].add(millis(d), samples); // a median: one descheduled call moves it by one rank, uncapped
    }

    /**
     * Records one answered offload; the first {@code warmUpOffloads} answered after construction are the peers'
     * warm-up and are not recorded (a missed deadline always is: {@link #recordMissedOffload}).
     *
     * @param fromBlock   the first block the gateway computed (a+1 for features after block a, 1 for a raw sample)
     * @param bytesSent   bytes of the frame the device published
     * @param endToEnd    from publishing the frame to receiving the answer
     * @param gatewayTime the gateway's reported compute time
     */
    public void recordOffload(int fromBlock, long bytesSent, Duration endToEnd, Duration gatewayTime) {
        if (fromBlock < 1 || fromBlock > blocks + 1) {
            throw new IllegalArgumentException("fromBlock: " + fromBlock + " is outside 1.." + (blocks + 1));
        }
        if (offloadsSkipped < warmUpOffloads) {
            offloadsSkipped++;
            return;
        }
        double gw = millis(gatewayTime);
        gatewayMsFrom[fromBlock].add(gw);
        steadyGatewayMsFrom[fromBlock].add(gw, samples);
        if (onlyMisses) {
            // a missed deadline only says "at least the deadline"; the first measured round trip replaces it
            linkKnown = false;
            onlyMisses = false;
        }
        recordLink(bytesSent, Math.max(0, millis(endToEnd) - gw));
    }

    /**
     * Records an offload whose answer did not come before its deadline, as a round trip of {@code deadline}
     * with no gateway time. Never skipped as warm-up: a missed deadline is evidence of a slow link or gateway,
     * and a device behind one must not keep offloading on the default estimates until
     * {@code warmUpOffloads} answers have come. It also ends the warm-up, and while the link fit holds missed
     * deadlines only, the next answered offload replaces it: a learner that prices its arms with the estimates
     * of the moment (choice-time pricing) stops offloading on a 500 ms link price, and one start-up miss (a
     * device behind its own queue) then priced every offload out for the 32 answers, probes included, that
     * the warm-up would have skipped (measured in the demo: a link estimate of 498 ms at the end of a run on a
     * 5 ms profile).
     */
    public void recordMissedOffload(int fromBlock, long bytesSent, Duration deadline) {
        if (fromBlock < 1 || fromBlock > blocks + 1) {
            throw new IllegalArgumentException("fromBlock: " + fromBlock + " is outside 1.." + (blocks + 1));
        }
        gatewayMsFrom[fromBlock].add(0);
        steadyGatewayMsFrom[fromBlock].add(0, samples);
        offloadsSkipped = warmUpOffloads;
        if (!linkKnown) {
            onlyMisses = true;
        }
        recordLink(bytesSent, millis(deadline));
    }

    private void recordLink(double b, double t) {
        if (!linkKnown) {
            linkCount = 0;
            linkNext = 0;
            mB = b;
            mT = t;
            mBB = b * b;
            mBT = b * t;
            linkKnown = true;
        } else {
            mB += weight * (b - mB);
            mT += weight * (t - mT);
            mBB += weight * (b * b - mBB);
            mBT += weight * (b * t - mBT);
        }
        double var = mBB - mB * mB;
        if (var > (double) MIN_SIZE_SPREAD * MIN_SIZE_SPREAD) {
            double slope = (mBT - mB * mT) / var;
            if (slope > 0) {
                msPerByte = slope;
                slopeKnown = true;
            }
        }
        rtt = Math.max(0, mT - msPerByte * mB);
        linkBytes[linkNext] = b;
        linkTimes[linkNext] = t;
        linkStamps[linkNext] = samples;
        linkNext = (linkNext + 1) % STEADY_WINDOW;
        linkCount = Math.min(STEADY_WINDOW, linkCount + 1);
        steadyRtt = Double.NaN;
    }

    /**
     * The steady round trip: the median over the last {@value #STEADY_WINDOW} link observations of each one's link
     * time less the transfer time of its bytes at the fitted throughput; the smoothed one until measured.
     */
    private double steadyRoundTripMs() {
        if (linkCount == 0) {
            return rtt;
        }
        if (Double.isNaN(steadyRtt) || steadyRttSlope != msPerByte) {
            double[] r = new double[linkCount];
            for (int k = 0; k < linkCount; k++) { // the linkCount most recent
                int i = Math.floorMod(linkNext - 1 - k, STEADY_WINDOW);
                r[k] = linkTimes[i] - msPerByte * linkBytes[i];
            }
            Arrays.sort(r);
            int mid = linkCount / 2;
            steadyRtt = Math.max(0, linkCount % 2 == 1 ? r[mid] : (r[mid - 1] + r[mid]) / 2);
            steadyRttSlope = msPerByte;
        }
        return steadyRtt;
    }

    /** Mean compute time of block {@code i} in ms (0 until measured). */
    public double blockMs(int i) {
        return blockMs[checkBlock(i)].value();
    }

    /** Mean compute time of exit {@code i} in ms (0 until measured). */
    public double exitMs(int i) {
        return exitMs[checkBlock(i)].value();
    }

    /** Device compute of arm {@code a}: blocks 1..a and exit a, in ms. */
    public double deviceMs(int arm) {
        return deviceMs(arm, false);
    }

    /**
     * Device compute of arm {@code a}: blocks 1..a and exit a, or with {@code everyExit} exits 1..a
     * (the early-exit baseline evaluates every exit on the way), in ms.
     */
    public double deviceMs(int arm, boolean everyExit) {
        return deviceMs(arm, everyExit, Estimate.SMOOTHED);
    }

    /** {@link #deviceMs(int, boolean)} in the given view. */
    public double deviceMs(int arm, boolean everyExit, Estimate view) {
        double ms = 0;
        for (int i = 1; i <= arm; i++) {
            ms += block(i, view);
            if (everyExit && i < arm) {
                ms += exit(i, view);
            }
        }
        return arm == 0 ? 0 : ms + exit(arm, view);
    }

    private double block(int i, Estimate view) {
        // a block seen only before the steady windows existed (a restore fills both): the smoothed mean
        return view == Estimate.STEADY && steadyBlockMs[i].known() ? steadyBlockMs[i].value() : blockMs[i].value();
    }

    private double exit(int i, Estimate view) {
        return view == Estimate.STEADY && steadyExitMs[i].known() ? steadyExitMs[i].value() : exitMs[i].value();
    }

    /** Estimated link time of sending {@code bytes} and getting a small answer back, in ms. */
    public double linkMs(long bytes) {
        return linkMs(bytes, Estimate.SMOOTHED);
    }

    /** {@link #linkMs(long)} in the given view: the same throughput, the smoothed or the steady round trip. */
    public double linkMs(long bytes, Estimate view) {
        return (view == Estimate.STEADY ? steadyRoundTripMs() : roundTripMs()) + bytes / throughputBytesPerMs();
    }

    /** Compute time of block {@code i} in ms in the given view (0 until measured). */
    public double blockMs(int i, Estimate view) {
        return block(checkBlock(i), view);
    }

    /** The link round trip in ms in the given view (a default until measured). */
    public double roundTripMs(Estimate view) {
        return view == Estimate.STEADY ? steadyRoundTripMs() : roundTripMs();
    }

    /** Smoothed round trip in ms (a default until measured). */
    public double roundTripMs() {
        return rtt;
    }

    /** Smoothed throughput in bytes per ms (a default until measured). */
    public double throughputBytesPerMs() {
        return 1.0 / msPerByte;
    }

    /**
     * Gateway compute of blocks {@code fromBlock..L} and the final exit, in ms. A start block not measured yet is
     * estimated from the measured start block nearest to it, scaled by the device's own times of the two
     * segments (the gateway's speed relative to the device's, measured). Before the gateway has answered at all
     * its time is taken as 0: an optimistic guess, so that a learner pricing arms with it tries offloading and
     * measures it. (A pessimistic guess, such as the device's own times, is never corrected: an emulated ×8 board
     * took the gateway for 8 times slower than it was, and the arms priced with that on the first sample were never
     * played again.)
     */
    public double gatewayMs(int fromBlock) {
        return gatewayMs(fromBlock, Estimate.SMOOTHED);
    }

    /** {@link #gatewayMs(int)} in the given view (the steady view scales by the device's steady times). */
    public double gatewayMs(int fromBlock, Estimate view) {
        if (view == Estimate.STEADY) {
            // a start block without recent observations is scaled from the nearest one with them (the probes' raw
            // samples keep block 1's recent); without any, the smoothed estimate
            int nearest = nearest(fromBlock, b -> steadyGatewayMsFrom[b].known());
            if (nearest < 0) {
                return gatewayMs(fromBlock, Estimate.SMOOTHED);
            }
            return scaled(fromBlock, nearest, steadyGatewayMsFrom[nearest].value(), view);
        }
        int nearest = nearest(fromBlock, b -> gatewayMsFrom[b].known());
        return nearest < 0 ? 0 : scaled(fromBlock, nearest, gatewayMsFrom[nearest].value(), view);
    }

    /** {@code fromBlock} itself when it was measured, else the measured start block nearest to it; -1: none. */
    private int nearest(int fromBlock, java.util.function.IntPredicate measured) {
        if (measured.test(fromBlock)) {
            return fromBlock;
        }
        for (int d = 1; d <= blocks; d++) {
            if (fromBlock - d >= 1 && measured.test(fromBlock - d)) {
                return fromBlock - d;
            } else if (fromBlock + d <= blocks + 1 && measured.test(fromBlock + d)) {
                return fromBlock + d;
            }
        }
        return -1;
    }

    /** The gateway's {@code measured} time from block {@code nearest}, scaled to {@code fromBlock} by the device's times. */
    private double scaled(int fromBlock, int nearest, double measured, Estimate view) {
        if (nearest == fromBlock) {
            return measured;
        }
        double deviceThere = deviceFrom(nearest, view);
        return deviceThere > 0 ? measured * deviceFrom(fromBlock, view) / deviceThere : measured;
    }

    /** The device's own time of blocks {@code fromBlock..L} and the final exit, ms. */
    private double deviceFrom(int fromBlock, Estimate view) {
        double ms = 0;
        for (int i = fromBlock; i <= blocks; i++) {
            ms += block(i, view);
        }
        return ms + exit(blocks, view);
    }

    /** Whether every block and exit has been measured at least once. */
    public boolean deviceMeasured() {
        for (int i = 1; i <= blocks; i++) {
            if (!blockMs[i].known() || !exitMs[i].known()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the link has been measured at least once. */
    public boolean linkMeasured() {
        return linkKnown;
    }

    /**
     * Whether the link estimate rests on an answered offload (or a restored state): false during the warm-up and
     * while only missed deadlines were recorded, which say no more than "at least the deadline".
     */
    public boolean linkAnswered() {
        return linkKnown && !onlyMisses;
    }

    /** A copy of the estimates, for saving. */
    public Snapshot snapshot() {
        return new Snapshot(values(blockMs), values(exitMs), values(gatewayMsFrom), linkKnown ? rtt : -1,
                slopeKnown ? 1.0 / msPerByte : -1);
    }

    /**
     * Restores saved estimates (each then counts as one observation, so fresh measurements take over quickly).
     *
     * @throws IllegalArgumentException when the snapshot is for another number of blocks
     */
    public void restore(Snapshot s) {
        Objects.requireNonNull(s, "snapshot");
        if (s.blockMs().length != blockMs.length || s.exitMs().length != exitMs.length
                || s.gatewayMsFrom().length != gatewayMsFrom.length) {
            throw new IllegalArgumentException("snapshot has " + (s.blockMs().length - 1) + " blocks, expected " + blocks);
        }
        restore(blockMs, steadyBlockMs, s.blockMs(), samples);
        restore(exitMs, steadyExitMs, s.exitMs(), samples);
        restore(gatewayMsFrom, steadyGatewayMsFrom, s.gatewayMsFrom(), samples);
        if (s.bytesPerMs() > 0) {
            msPerByte = 1.0 / s.bytesPerMs();
            slopeKnown = true;
        }
        if (s.roundTripMs() >= 0) {
            // restart the fit from the saved line: one point on it, so fresh measurements take over fast
            rtt = s.roundTripMs();
            linkKnown = false;
            onlyMisses = false;
            recordLink(0, rtt);
        }
    }

    private static double[] values(Ewma[] a) {
        double[] v = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i].known() ? a[i].value() : -1;
        }
        return v;
    }

    private static void restore(Ewma[] a, MedianWindow[] steady, double[] v, long stamp) {
        for (int i = 0; i < a.length; i++) {
            if (v[i] >= 0) {
                a[i].set(v[i], 1);
                steady[i].set(v[i], stamp);
            }
        }
    }

    private int checkBlock(int i) {
        if (i < 1 || i > blocks) {
            throw new IllegalArgumentException("block " + i + " is outside 1.." + blocks);
        }
        return i;
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    @Override
    public String toString() {
        return "CostEstimates[weight=" + weight + ", rttMs=" + roundTripMs() + ", bytesPerMs=" + throughputBytesPerMs()
                + ", blockMs=" + Arrays.toString(values(blockMs)) + "]";
    }

    /**
     * Saved estimates; -1 marks a value never measured. Index 0 of the per-block arrays is unused.
     *
     * @param blockMs       per-block compute ms
     * @param exitMs        per-exit compute ms
     * @param gatewayMsFrom gateway compute ms by first block computed there
     * @param roundTripMs   link round trip ms
     * @param bytesPerMs    link throughput
     */
    public record Snapshot(double[] blockMs, double[] exitMs, double[] gatewayMsFrom, double roundTripMs,
                           double bytesPerMs) {
        public Snapshot {
            blockMs = blockMs.clone();
            exitMs = exitMs.clone();
            gatewayMsFrom = gatewayMsFrom.clone();
        }
    }
}
