package io.splitee.device.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and restores one state document per device in a directory.
 *
 * <p>The file is {@code <dir>/<deviceId>.state}: a header line {@code splitee-state 1 <manifest sha256 hex>}
 * and then the payload bytes (the caller's JSON). A save writes {@code .state.tmp}, forces it to disk,
 * renames it over the old file and forces the directory, so a power cut leaves either the old or the new
 * state, never a torn one.
 */
public final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    private static final String MAGIC = "splitee-state 1 ";

    private final Path file;
    private final Path tmp;
    private final String modelHash;

    /**
     * @param dir       state directory (created if missing)
     * @param deviceId  the device the state belongs to
     * @param modelHash the SHA-256 of the model's manifest; state saved for another model is ignored
     */
    public StateStore(Path dir, String deviceId, byte[] modelHash) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(deviceId, "deviceId");
        this.file = dir.resolve(deviceId + ".state");
        this.tmp = dir.resolve(deviceId + ".state.tmp");
        this.modelHash = HexFormat.of().formatHex(Objects.requireNonNull(modelHash, "modelHash"));
    }

    /** The state file's path. */
    public Path file() {
        return file;
    }

    /**
     * Saves the payload atomically.
     *
     * @throws IOException when the directory is not writable; the previous state is then untouched
     */
    public void save(byte[] payload) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] header = (MAGIC + modelHash + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(header));
            ch.write(ByteBuffer.wrap(payload));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dirChannel = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dirChannel.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for fsync; the rename is still atomic
        }
    }

    /**
     * Loads the saved payload if there is one for this model.
     *
     * @return the payload, or empty when there is no state, it is unreadable, or it belongs to another
     *         model (each case is logged with the reason)
     */
    public Optional<byte[]> load() {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            LOG.info("no saved state at {}; starting fresh", file);
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read saved state {}: {}; starting fresh", file, e.toString());
            return Optional.empty();
        }
        int nl = -1;
        for (int i = 0; i < Math.min(all.length, 256); i++) {
            if (all[i] == '\n') {
                nl = i;
                break;
            }
        }
        String header = nl < 0 ? "" : new String(all, 0, nl, StandardCharsets.US_ASCII);
        if (!header.startsWith(MAGIC)) {
            LOG.warn("saved state {} has no valid header; ignoring it and starting fresh", file);
            return Optional.empty();
        }
        String savedHash = header.substring(MAGIC.length());
        if (!savedHash.equals(modelHash)) {
            LOG.warn("saved state {} belongs to model manifest {} but this model's manifest is {}; ignoring it",
                    file, savedHash, modelHash);
            return Optional.empty();
        }
        byte[] payload = new byte[all.length - nl - 1];
        System.arraycopy(all, nl + 1, payload, 0, payload.length);
        return Optional.of(payload);
    }
}
