package io.splitee.mqtt.paho;

import io.splitee.mqtt.Outgoing;
import io.splitee.mqtt.Transport;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.internal.MqttPersistentData;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paho's client persistence in a directory of ours ({@link io.splitee.mqtt.MqttSettings#persistenceDir()}), in
 * place of Paho's {@code MqttDefaultFilePersistence}, for three things that one lacks:
 * <ul>
 * <li><b>Topic names, not aliases.</b> Paho replaces the topic of a publish by the topic alias it chose on the
 *     connection before it stores the packet, so a publish restored by the next process would be resent with an
 *     alias its new connection never defined (Mosquitto 2.0.11 closes such a connection as a protocol error, on
 *     every reconnect). A publish is stored with its topic name and without the alias: {@link #publishing} names
 *     the topic while {@code PahoTransport} calls Paho's publish, which stores the packet on the calling thread.</li>
 * <li><b>A record of completed QoS 2 publishes.</b> When Paho forgets a QoS 2 publish (its PUBCOMP came), its
 *     file is renamed, not deleted, to {@code done-<n>.msg}, before Paho goes on to complete the publish; the last
 *     {@value Transport#EARLIER_COMPLETED_KEPT} are kept. So a process killed at any point after the broker
 *     completed a publish finds it in one of the two forms ({@link #earlier()}).</li>
 * <li><b>No fsync.</b> Each key is one file, written to {@code <key>.tmp} and renamed to {@code <key>.msg}: a
 *     SIGKILL leaves whole files only. Nothing is forced to disk: the directory is meant to be a runtime directory
 *     (a tmpfs that survives a restart of the process, not a reboot), and on a disk a power loss may lose the last
 *     files.</li>
 * </ul>
 * A lock on {@code .lck} keeps a second client with the same id off the same directory. Thread safety: every
 * method is synchronized (Paho calls from its sending, receiving and calling threads).
 */
final class FilePersistence implements MqttClientPersistence {
    private static final Logger LOG = LoggerFactory.getLogger(FilePersistence.class);
    private static final String SUFFIX = ".msg";
    private static final String TMP = ".tmp";
    private static final String SENT = "s-";
    private static final String DONE = "done-";

    private final Path base;
    private final int keepCompleted;
    private final ThreadLocal<String> publishing = new ThreadLocal<>();
    /** QoS of each stored publish ("s-N" keys), to tell a QoS 2 completion from the others at {@link #remove}. */
    private final Map<String, Integer> qos = new HashMap<>();
    private final ArrayDeque<Path> completed = new ArrayDeque<>();
    private long nextDone;
    private Path dir;
    private FileChannel lockFile;
    private FileLock lock;
    private List<Outgoing> earlier = List.of();

    /**
     * @param base          the persistence directory; each client id gets its own directory in it
     * @param keepCompleted how many completed QoS 2 publishes to keep a record of (at least 1)
     */
    FilePersistence(Path base, int keepCompleted) {
        this.base = Objects.requireNonNull(base, "base");
        if (keepCompleted < 1) {
            throw new IllegalArgumentException("keepCompleted must be at least 1, got " + keepCompleted);
        }
        this.keepCompleted = keepCompleted;
    }

    /** The topic of the publish the calling thread is handing to Paho ({@code null} after it returned). */
    ThreadLocal<String> publishing() {
        return publishing;
    }

    /**
     * The QoS 2 publishes found at {@link #open}: those not completed (oldest packet id first as Paho stored them),
     * then those completed, oldest first.
     */
    synchronized List<Outgoing> earlier() {
        return earlier;
    }

    /** The directory of the client opened last (null before {@link #open}). */
    synchronized Path directory() {
        return dir;
    }

    /**
     * Paho opens its persistence in the client's constructor (and reads it there), closes it, and opens it again
     * before every connect and closes it whenever a connection ends: only the first call locks and reads the
     * directory; the lock is held until {@link #release()}.
     */
    @Override
    public synchronized void open(String clientId) throws MqttPersistenceException {
        if (dir != null) {
            return;
        }
        Path d = base.resolve(safeName(clientId));
        try {
            Files.createDirectories(d);
            FileChannel ch = FileChannel.open(d.resolve(".lck"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new MqttPersistenceException(MqttPersistenceException.REASON_CODE_PERSISTENCE_IN_USE);
            }
            lockFile = ch;
            lock = l;
        } catch (IOException e) {
            throw new MqttPersistenceException(e);
        }
        List<Outgoing> inFlight = new ArrayList<>();
        List<Outgoing> done = new ArrayList<>();
        try (Stream<Path> files = Files.list(d)) {
            List<Path> sorted = files.sorted().toList();
            for (Path f : sorted) {
                String name = f.getFileName().toString();
                if (name.endsWith(TMP)) {
                    Files.deleteIfExists(f); // a write cut off by a kill: its key was never stored
                    continue;
                }
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                String key = name.substring(0, name.length() - SUFFIX.length());
                if (key.startsWith(DONE)) {
                    completed.add(f);
                    nextDone = Math.max(nextDone, doneNumber(key) + 1);
                    decode(f).ifPresent(done::add);
                } else if (key.startsWith(SENT)) {
                    MqttPublish p = publish(f);
                    if (p != null) {
                        qos.put(key, p.getQoS());
                        if (p.getQoS() == 2) {
                            outgoing(p).ifPresent(inFlight::add);
                        }
                    }
                }
            }
        } catch (IOException e) {
            release();
            throw new MqttPersistenceException(e);
        }
        dir = d;
        earlier = Collections.unmodifiableList(concat(inFlight, done));
        if (!earlier.isEmpty()) {
            LOG.info("MQTT client store {}: {} QoS 2 publish(es) of an earlier process not completed (sent again), "
                    + "{} completed", d, inFlight.size(), done.size());
        }
    }

    /** Paho closes its persistence whenever a connection ends; the store stays usable (see {@link #open}). */
    @Override
    public void close() {
        // the lock and the directory stay until release()
    }

    /** Releases the directory's lock, once the client is closed for good. Idempotent. */
    synchronized void release() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockFile != null) {
                lockFile.close();
            }
        } catch (IOException e) {
            LOG.debug("releasing the MQTT client store's lock: {}", e.toString());
        }
        lock = null;
        lockFile = null;
    }

    @Override
    public synchronized void put(String key, MqttPersistable data) throws MqttPersistenceException {
        checkOpen();
        byte[] bytes;
        if (key.startsWith(SENT) && data instanceof MqttPublish p) {
            qos.put(key, p.getQoS());
            bytes = withTopicName(p);
        } else {
            bytes = bytes(data);
        }
        Path tmp = dir.resolve(key + TMP);
        try {
            Files.write(tmp, bytes);
            move(tmp, dir.resolve(key + SUFFIX));
        } catch (IOException e) {
            throw new MqttPersistenceException(e);
        }
    }

    @Override
    public synchronized MqttPersistable get(String key) throws MqttPersistenceException {
        checkOpen();
        try {
            byte[] b = Files.readAllBytes(dir.resolve(key + SUFFIX));
            return new MqttPersistentData(key, b, 0, b.length, null, 0, 0);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new MqttPersistenceException(e);
        }
    }

    @Override
    public synchronized void remove(String key) throws MqttPersistenceException {
        checkOpen();
        Path f = dir.resolve(key + SUFFIX);
        Integer q = key.startsWith(SENT) ? qos.remove(key) : null;
        try {
            if (q != null && q == 2 && Files.exists(f)) {
                Path done = dir.resolve(String.format("%s%019d%s", DONE, nextDone++, SUFFIX));
                move(f, done);
                completed.add(done);
                while (completed.size() > keepCompleted) {
                    Files.deleteIfExists(completed.removeFirst());
                }
            } else {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new MqttPersistenceException(e);
        }
    }

    @Override
    public synchronized Enumeration<String> keys() throws MqttPersistenceException {
        checkOpen();
        try (Stream<Path> files = Files.list(dir)) {
            List<String> keys = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(SUFFIX) && !n.startsWith(DONE))
                    .map(n -> n.substring(0, n.length() - SUFFIX.length())).toList();
            return Collections.enumeration(keys);
        } catch (IOException e) {
            throw new MqttPersistenceException(e);
        }
    }

    /** Paho clears its state for a clean start: the broker's session, and what it completed, are gone too. */
    @Override
    public synchronized void clear() throws MqttPersistenceException {
        checkOpen();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(SUFFIX) || n.endsWith(TMP)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new MqttPersistenceException(e);
        }
        qos.clear();
        completed.clear();
    }

    @Override
    public synchronized boolean containsKey(String key) throws MqttPersistenceException {
        checkOpen();
        return Files.exists(dir.resolve(key + SUFFIX));
    }

    // ---------------------------------------------------------------- helpers

    private void checkOpen() throws MqttPersistenceException {
        if (dir == null) {
            throw new MqttPersistenceException(new IllegalStateException("the MQTT client store is not open"));
        }
    }

    /**
     * The stored form of publish {@code p}: with its topic name and without a topic alias. Paho keeps and sends
     * {@code p} itself as it is; only the copy on disk changes.
     */
    private byte[] withTopicName(MqttPublish p) throws MqttPersistenceException {
        Integer alias = p.getProperties() == null ? null : p.getProperties().getTopicAlias();
        String name = p.getTopicName();
        if (alias == null && name != null && !name.isEmpty()) {
            return bytes(p);
        }
        String topic = publishing.get();
        if (topic == null) { // not through PahoTransport.publish: cannot name it; stored as Paho gave it
            LOG.debug("publish {} stored with topic alias {} (no topic name known)", p.getMessageId(), alias);
            return bytes(p);
        }
        try {
            MqttPublish copy = (MqttPublish) MqttWireMessage.createWireMessage(new MqttPersistentData("copy",
                    bytes(p), 0, bytes(p).length, null, 0, 0));
            copy.setTopicName(topic);
            MqttProperties props = copy.getProperties();
            if (props != null) {
                props.setTopicAlias(null);
            }
            return bytes(copy);
        } catch (MqttException | ClassCastException e) {
            throw new MqttPersistenceException(e);
        }
    }

    private static byte[] bytes(MqttPersistable data) throws MqttPersistenceException {
        byte[] h = data.getHeaderBytes();
        int hl = data.getHeaderLength();
        byte[] p = data.getPayloadBytes();
        int pl = p == null ? 0 : data.getPayloadLength();
        byte[] all = new byte[hl + pl];
        System.arraycopy(h, data.getHeaderOffset(), all, 0, hl);
        if (pl > 0) {
            System.arraycopy(p, data.getPayloadOffset(), all, hl, pl);
        }
        return all;
    }

    private static MqttPublish publish(Path f) {
        try {
            byte[] b = Files.readAllBytes(f);
            MqttWireMessage m = MqttWireMessage.createWireMessage(new MqttPersistentData(f.getFileName().toString(),
                    b, 0, b.length, null, 0, 0));
            return m instanceof MqttPublish p ? p : null;
        } catch (IOException | MqttException | RuntimeException e) {
            LOG.warn("MQTT client store: {} cannot be read ({}); ignored", f, e.toString());
            return null;
        }
    }

    private static java.util.Optional<Outgoing> decode(Path f) {
        MqttPublish p = publish(f);
        return p == null ? java.util.Optional.empty() : outgoing(p);
    }

    /** A stored publish as ours; empty when it has no topic name (stored with an alias only). */
    private static java.util.Optional<Outgoing> outgoing(MqttPublish p) {
        String topic = p.getTopicName();
        if (topic == null || topic.isEmpty()) {
            return java.util.Optional.empty();
        }
        MqttProperties props = p.getProperties();
        byte[] payload = p.getMessage().getPayload();
        Outgoing.Builder b = Outgoing.builder(topic, payload == null ? new byte[0] : payload)
                .qos(p.getQoS()).retained(p.getMessage().isRetained());
        if (props != null) {
            if (props.getContentType() != null) {
                b.contentType(props.getContentType());
            }
            if (props.getCorrelationData() != null) {
                b.correlationData(props.getCorrelationData());
            }
        }
        return java.util.Optional.of(b.build());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long doneNumber(String key) {
        try {
            return Long.parseLong(key.substring(DONE.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** A client id as a directory name: letters, digits, '-', '_' and '.' kept, everything else '_'. */
    static String safeName(String clientId) {
        StringBuilder sb = new StringBuilder(clientId.length());
        for (char c : clientId.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        String s = sb.toString();
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
