package io.splitee.demo.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The PNG and JPEG files of one folder (not its subfolders), in name order, with the content type
 * and sample id each is sent with.
 */
public final class ImageFiles {

    /**
     * One image file.
     *
     * @param path        the file
     * @param contentType {@code image/png} or {@code image/jpeg}
     * @param sampleId    the id it is sent under: the file name, at most 64 bytes of UTF-8
     */
    public record Entry(Path path, String contentType, String sampleId) {
    }

    private ImageFiles() {
    }

    /**
     * Lists a folder.
     *
     * @throws IOException when the folder cannot be read or holds no PNG/JPEG file
     */
    public static List<Entry> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": not a folder");
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.sorted().toList()) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                contentType(p).ifPresent(ct -> out.add(new Entry(p, ct, sampleId(p.getFileName().toString()))));
            }
        }
        if (out.isEmpty()) {
            throw new IOException(folder + ": no .png, .jpg or .jpeg file in it");
        }
        return out;
    }

    /** The content type for a file name's extension, if it is a PNG or JPEG name. */
    static Optional<String> contentType(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return Optional.of("image/png");
        }
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return Optional.of("image/jpeg");
        }
        return Optional.empty();
    }

    /** The file name without control characters, cut to 64 bytes of UTF-8. */
    static String sampleId(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp)) {
                continue;
            }
            String c = new String(Character.toChars(cp));
            if (b.toString().getBytes(StandardCharsets.UTF_8).length + c.getBytes(StandardCharsets.UTF_8).length > 64) {
                break;
            }
            b.append(c);
        }
        return b.length() == 0 ? "image" : b.toString();
    }
}
