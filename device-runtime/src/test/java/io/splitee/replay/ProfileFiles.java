package io.splitee.replay;

/**
 * A hand-made cost profile for 2 blocks, costs chosen so that everything can be computed by hand:
 * device blocks 1 and 2 ms, exits 0.5 ms each; gateway blocks 0.2 and 0.4 ms, final exit 0.1 ms;
 * link 8 Mbit/s (1000 bytes/ms) with a 10 ms round trip. Encoding {@code small}: raw 1000 B,
 * features 200 and 300 B (features win); encoding {@code big}: raw 1000 B, features 5000 B (raw wins).
 *
 * <p>Arm 1 offloaded: device 1 + 0.5 = 1.5 ms; features (small): link 10 + 0.2 = 10.2, gateway
 * blocks 2..2 + exit = 0.5, total 12.2 ms; raw: link 10 + 1 = 11, gateway 0.2 + 0.4 + 0.1 = 0.7,
 * total 13.2 ms. Features (big): 1.5 + 15 + 0.5 = 17 ms, so raw (13.2) wins.
 */
public final class ProfileFiles {

    public static final String HAND = """
            {
              "schema": 1,
              "device": {"block_ms": [1.0, 2.0], "exit_ms": [0.5, 0.5]},
              "gateway": {"block_ms": [0.2, 0.4], "exit_ms": 0.1},
              "wire": {
                "small": {"raw": 1000, "features": [200, 300]},
                "big": {"raw": 1000, "features": [5000, 5000]}
              },
              "link": {"bits_per_second": 8000000, "rtt_ms": 10}
            }
            """;

    /**
     * {@link #HAND} with energy: device blocks 2 and 4 mJ, exits 1 mJ each, the radio 0.01 mJ per byte.
     * Arm 1 on the device: 2 + 1 = 3 mJ; offloaded with the small encoding's features (200 B): 3 + 2 = 5 mJ,
     * with the raw sample (1000 B): 3 + 10 = 13 mJ. Arm 2 on the device: 2 + 4 + 1 = 7 mJ.
     */
    public static final String HAND_ENERGY = HAND.replace("""
              "link": {"bits_per_second": 8000000, "rtt_ms": 10}
            """, """
              "link": {"bits_per_second": 8000000, "rtt_ms": 10},
              "energy": {"estimated": false, "source": "hand-made", "block_mj": [2.0, 4.0], "exit_mj": [1.0, 1.0],
                         "link_mj_per_byte": 0.01}
            """);

    /**
     * {@code n} identical samples that both exits answer on the device (C_1 = 0.85, C_2 = 0.99, α = 0.8),
     * so that an arm's reward is its confidence minus its device cost.
     */
    public static String confidentTrace(int n) {
        StringBuilder b = new StringBuilder("conf_1,conf_2,pred_1,pred_2,label\n");
        for (int i = 0; i < n; i++) {
            b.append("0.85,0.99,1,1,1\n");
        }
        return b.toString();
    }

    /**
     * Four samples, 2 exits, α = 0.8: with {@code fixed:1}, samples 2 and 3 offload (C_1 below α),
     * samples 1 and 4 exit at 1. pred_1 is right on all, pred_2 wrong on sample 3.
     */
    public static final String TRACE = """
            conf_1,conf_2,pred_1,pred_2,label
            0.9,0.95,1,1,1
            0.5,0.9,2,2,2
            0.6,0.85,3,4,3
            0.95,0.99,4,4,4
            """;

    private ProfileFiles() {
    }
}
