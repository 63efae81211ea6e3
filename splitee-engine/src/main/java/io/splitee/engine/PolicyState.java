package io.splitee.engine;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The persisted state of a policy: enough to continue exactly where it stopped.
 *
 * <p>A plain record of primitives and arrays (JSON-friendly as is) with a compact binary form
 * ({@link #toBytes()} / {@link #fromBytes(byte[])}): magic {@code "SEPS"}, then big-endian
 * {@code int version, int policyLength, policy (UTF-8), int arms, long round, long randomState,
 * double[arms] rewardSums, long[arms] updateCounts}, from version 2 on
 * {@code int memoryLength, double[memoryLength] memory}, and from version 3 on
 * {@code int pricingLength, double[pricingLength] pricing}. Version 1 and 2 states (no pricing, rewards
 * priced when recorded) still read and restore, migrated ({@link Policies#restore}). The configuration (α,
 * costs, c) is not part of the state; the caller persists it beside.
 *
 * @param version      format version, {@link #VERSION}
 * @param policy       the policy spec, e.g. {@code "splitee-s"}
 * @param arms         L
 * @param round        how many times {@code choose()} was called
 * @param randomState  state of the seeded random source (meaningful for {@code random} only)
 * @param rewardSums   Q_a: summed reward credited to each arm (copied)
 * @param updateCounts N_a: how many rewards each arm was credited, side updates included (copied)
 * @param memory       what the statistics keep beyond Q and N: for a discounted UCB the discounted
 *                     counts W_1..W_L and the discounted round count; for a window each arm's rewards
 *                     in its window, oldest first; with {@code detect=ph} first the detector's round count,
 *                     last alarm and (n, mean, g⁺, g⁻) per arm; with {@code side=learned} the C_L estimate
 *                     before the statistics'; empty otherwise, and always in version 1 (copied)
 * @param pricing      the statistics' cost-independent part (version 3, choice-time pricing): each arm's
 *                     (discounted, windowed) sum of confidence terms T_1..T_L and count of offloaded samples
 *                     K_1..K_L, and for a window each arm's terms in its window, then their offload flags
 *                     (0 or 1), oldest first; empty in versions 1 and 2 (copied)
 */
public record PolicyState(int version, String policy, int arms, long round, long randomState,
                          double[] rewardSums, long[] updateCounts, double[] memory, double[] pricing) {

    /** The format version {@link Policy#snapshot()} writes: 3, with the cost-independent statistics. */
    public static final int VERSION = 3;

    /** The second format version, with memory but rewards priced when recorded; still read, and migrated. */
    public static final int VERSION_2 = 2;

    /** The first format version, without memory (before discounted and windowed statistics); still read. */
    public static final int VERSION_1 = 1;

    /** A state without memory (the stationary policies) and without pricing (versions 1 and 2). */
    public PolicyState(int version, String policy, int arms, long round, long randomState,
                       double[] rewardSums, long[] updateCounts) {
        this(version, policy, arms, round, randomState, rewardSums, updateCounts, new double[0]);
    }

    /** A state without pricing (versions 1 and 2). */
    public PolicyState(int version, String policy, int arms, long round, long randomState,
                       double[] rewardSums, long[] updateCounts, double[] memory) {
        this(version, policy, arms, round, randomState, rewardSums, updateCounts, memory, new double[0]);
    }

    private static final int MAGIC = 0x53455053; // "SEPS"
    private static final int MAX_POLICY_BYTES = 256;

    /** Validates and copies. */
    public PolicyState {
        if (version != VERSION && version != VERSION_2 && version != VERSION_1) {
            throw new IllegalArgumentException("version must be " + VERSION_1 + ", " + VERSION_2 + " or " + VERSION
                    + ", got " + version);
        }
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(pricing, "pricing");
        if (version != VERSION && pricing.length != 0) {
            throw new IllegalArgumentException("a version " + version + " state has no pricing, got " + pricing.length
                    + " values");
        }
        pricing = pricing.clone();
        for (double m : pricing) {
            if (!Double.isFinite(m)) {
                throw new IllegalArgumentException("pricing must be finite, got " + m);
            }
        }
        if (version == VERSION_1 && memory.length != 0) {
            throw new IllegalArgumentException("a version 1 state has no memory, got " + memory.length + " values");
        }
        memory = memory.clone();
        for (double m : memory) {
            if (!Double.isFinite(m)) {
                throw new IllegalArgumentException("memory must be finite, got " + m);
            }
        }
        Objects.requireNonNull(policy, "policy");
        if (policy.isBlank()) {
            throw new IllegalArgumentException("policy must not be blank");
        }
        if (arms < 1) {
            throw new IllegalArgumentException("arms must be >= 1, got " + arms);
        }
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
        Objects.requireNonNull(rewardSums, "rewardSums");
        Objects.requireNonNull(updateCounts, "updateCounts");
        if (rewardSums.length != arms || updateCounts.length != arms) {
            throw new IllegalArgumentException("rewardSums and updateCounts must have " + arms
                    + " entries, got " + rewardSums.length + " and " + updateCounts.length);
        }
        rewardSums = rewardSums.clone();
        updateCounts = updateCounts.clone();
        for (int a = 0; a < arms; a++) {
            if (!Double.isFinite(rewardSums[a])) {
                throw new IllegalArgumentException("rewardSums[" + a + "] must be finite, got " + rewardSums[a]);
            }
            if (updateCounts[a] < 0) {
                throw new IllegalArgumentException("updateCounts[" + a + "] must be >= 0, got " + updateCounts[a]);
            }
        }
    }

    /** A copy of Q. */
    @Override
    public double[] rewardSums() {
        return rewardSums.clone();
    }

    /** A copy of N. */
    @Override
    public long[] updateCounts() {
        return updateCounts.clone();
    }

    /** A copy of the memory. */
    @Override
    public double[] memory() {
        return memory.clone();
    }

    /** A copy of the cost-independent statistics. */
    @Override
    public double[] pricing() {
        return pricing.clone();
    }

    /** The binary form described in the class comment. */
    public byte[] toBytes() {
        byte[] name = policy.getBytes(StandardCharsets.UTF_8);
        int extra = (version == VERSION_1 ? 0 : 4 + 8 * memory.length) + (version == VERSION ? 4 + 8 * pricing.length : 0);
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 + 4 + name.length + 4 + 8 + 8 + arms * 16 + extra);
        buf.putInt(MAGIC).putInt(version).putInt(name.length).put(name)
                .putInt(arms).putLong(round).putLong(randomState);
        for (double q : rewardSums) {
            buf.putDouble(q);
        }
        for (long n : updateCounts) {
            buf.putLong(n);
        }
        if (version != VERSION_1) {
            buf.putInt(memory.length);
            for (double m : memory) {
                buf.putDouble(m);
            }
        }
        if (version == VERSION) {
            buf.putInt(pricing.length);
            for (double m : pricing) {
                buf.putDouble(m);
            }
        }
        return buf.array();
    }

    /**
     * Parses {@link #toBytes()} output.
     *
     * @throws IllegalArgumentException if the bytes are not a valid state of a known version
     */
    public static PolicyState fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        try {
            if (buf.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a policy state (bad magic)");
            }
            int version = buf.getInt();
            if (version != VERSION && version != VERSION_2 && version != VERSION_1) {
                throw new IllegalArgumentException("unsupported policy state version " + version);
            }
            int nameLength = buf.getInt();
            if (nameLength < 1 || nameLength > MAX_POLICY_BYTES) {
                throw new IllegalArgumentException("bad policy name length " + nameLength);
            }
            byte[] name = new byte[nameLength];
            buf.get(name);
            String policy = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(name)).toString();
            int arms = buf.getInt();
            if (arms < 1) {
                throw new IllegalArgumentException("bad arm count " + arms);
            }
            long need = 16L + 16L * arms;
            if (buf.remaining() < need) {
                throw new IllegalArgumentException("truncated policy state (" + bytes.length + " bytes for " + arms + " arms)");
            }
            if (version == VERSION_1 && buf.remaining() > need) {
                throw new IllegalArgumentException((buf.remaining() - need) + " trailing bytes after the policy state");
            }
            long round = buf.getLong();
            long randomState = buf.getLong();
            double[] sums = new double[arms];
            for (int a = 0; a < arms; a++) {
                sums[a] = buf.getDouble();
            }
            long[] counts = new long[arms];
            for (int a = 0; a < arms; a++) {
                counts[a] = buf.getLong();
            }
            double[] memory = version == VERSION_1 ? new double[0] : doubles(buf, bytes.length, "memory",
                    version == VERSION_2);
            double[] pricing = version == VERSION ? doubles(buf, bytes.length, "pricing", true) : new double[0];
            return new PolicyState(version, policy, arms, round, randomState, sums, counts, memory, pricing);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated policy state (" + bytes.length + " bytes)", e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("policy name is not UTF-8", e);
        }
    }

    /** An int count, then that many doubles; {@code last}: nothing may follow. */
    private static double[] doubles(ByteBuffer buf, int total, String what, boolean last) {
        int m = buf.getInt();
        if (m < 0 || (long) m * 8 > buf.remaining()) {
            throw new IllegalArgumentException("truncated policy state (" + total + " bytes, " + what + " of " + m
                    + " values)");
        }
        if (last && (long) m * 8 != buf.remaining()) {
            throw new IllegalArgumentException((buf.remaining() - 8L * m) + " trailing bytes after the policy state");
        }
        double[] d = new double[m];
        for (int i = 0; i < m; i++) {
            d[i] = buf.getDouble();
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyState s && version == s.version && policy.equals(s.policy) && arms == s.arms
                && round == s.round && randomState == s.randomState
                && Arrays.equals(rewardSums, s.rewardSums) && Arrays.equals(updateCounts, s.updateCounts)
                && Arrays.equals(memory, s.memory) && Arrays.equals(pricing, s.pricing);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(version, policy, arms, round, randomState);
        return 31 * (31 * (31 * h + Arrays.hashCode(rewardSums)) + Arrays.hashCode(updateCounts)) + Arrays.hashCode(memory)
                + 17 * Arrays.hashCode(pricing);
    }

    @Override
    public String toString() {
        return "PolicyState[version=" + version + ", policy=" + policy + ", arms=" + arms + ", round=" + round
                + ", randomState=" + randomState + ", rewardSums=" + Arrays.toString(rewardSums)
                + ", updateCounts=" + Arrays.toString(updateCounts) + ", memory=" + memory.length + " values, pricing=" + pricing.length + " values]";
    }
}
