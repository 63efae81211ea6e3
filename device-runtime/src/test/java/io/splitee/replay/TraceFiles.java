package io.splitee.replay;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** The hand-worked trace of the engine tests as a CSV, columns deliberately out of order. */
public final class TraceFiles {

    /**
     * Labels 0..5. The SplitEE answers (exit 1, offload→pred_3, pred_3, offload→pred_3, exit 2,
     * pred_3) are right on rows 1, 2, 4, 6: accuracy 4/6. pred_3 is right on all but row 3: 5/6.
     */
    public static final String HAND = """
            label,conf_1,conf_2,conf_3,pred_1,pred_2,pred_3
            0,0.875,0.9375,1.0,0,9,0
            1,0.5,0.625,0.875,7,7,1
            2,0.25,0.75,0.6875,2,2,9
            3,0.5,0.8125,0.5625,3,3,3
            4,0.9375,0.875,0.9375,4,8,4
            5,0.625,0.6875,0.875,5,5,5
            """;

    private TraceFiles() {
    }

    public static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    public static Path writeGzip(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }
}
