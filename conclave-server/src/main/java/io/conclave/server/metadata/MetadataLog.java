package io.conclave.server.metadata;

import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.ImageBuilder;
import io.conclave.partition.metadata.ImageCodec;
import io.conclave.partition.metadata.MetadataCodec;
import io.conclave.partition.metadata.MetadataRecord;
import io.conclave.partition.metadata.NodeInfo;
import io.conclave.raft.Entry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The controller group's state on this node: the {@link ClusterImage} built by replaying the
 * metadata log. One log entry is one batch of records applied all or nothing (a topic and its
 * partitions appear together); a batch that does not fit the image — two controllers raced, or a
 * topic id exists — is skipped on every node alike and its result says why.
 *
 * <p>Threads: {@link #apply}, {@link #snapshot} and {@link #restore} run on the controller group's
 * applier; {@link #image()} and {@link #resultAt} on any thread. Listeners are called on the
 * applier thread after each change and must only hand work off.
 */
public final class MetadataLog {

    private static final byte MAGIC = (byte) 0xCB;
    private static final int RESULTS_RING = 1024;

    private static final System.Logger LOG = System.getLogger(MetadataLog.class.getName());

    private volatile ClusterImage image = ClusterImage.EMPTY;
    private final List<Consumer<ClusterImage>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<RegistrationWatch> registrationWatch = new AtomicReference<>();
    private final long[] resultIndex = new long[RESULTS_RING];
    private final String[] results = new String[RESULTS_RING];

    public ClusterImage image() {
        return image;
    }

    public void addListener(Consumer<ClusterImage> listener) {
        listeners.add(listener);
    }

    /**
     * Calls {@code atRegistration} once, on the applier thread, with the image right after the entry
     * that first registers node {@code nodeId} at {@code incarnation} — what the cluster had assigned
     * the node before that registration, and nothing later. When that point cannot be seen (the image
     * already shows the registration now, or a snapshot restores past it) it is called with the image
     * at hand, which may hold later assignments too.
     */
    public void watchRegistration(long nodeId, long incarnation, Consumer<ClusterImage> atRegistration) {
        registrationWatch.set(new RegistrationWatch(nodeId, incarnation, atRegistration));
        fireIfRegistered(image);
    }

    private void fireIfRegistered(ClusterImage img) {
        RegistrationWatch w = registrationWatch.get();
        if (w == null) {
            return;
        }
        NodeInfo n = img.nodes().get(w.nodeId());
        if (n != null && n.incarnation() == w.incarnation() && registrationWatch.compareAndSet(w, null)) {
            w.atRegistration().accept(img);
        }
    }

    private record RegistrationWatch(long nodeId, long incarnation, Consumer<ClusterImage> atRegistration) {
    }

    public static byte[] encodeBatch(List<MetadataRecord> records) {
        List<byte[]> encoded = new ArrayList<>(records.size());
        int size = 5;
        for (MetadataRecord r : records) {
            byte[] b = MetadataCodec.encode(r);
            encoded.add(b);
            size += 4 + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(MAGIC).putInt(records.size());
        for (byte[] b : encoded) {
            out.putInt(b.length).put(b);
        }
        return out.array();
    }

    static List<MetadataRecord> decodeBatch(byte[] data) {
        if (data.length == 0 || data[0] != MAGIC) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        in.get();
        int n = in.getInt();
        List<MetadataRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[in.getInt()];
            in.get(b);
            out.add(MetadataCodec.decode(b));
        }
        return out;
    }

    /** Applies committed controller entries in order (applier thread). */
    public void apply(List<Entry> entries) {
        ClusterImage img = image;
        boolean changed = false;
        for (Entry e : entries) {
            List<MetadataRecord> batch;
            try {
                batch = decodeBatch(e.data());
            } catch (RuntimeException bad) {
                remember(e.index(), "malformed batch: " + bad.getMessage());
                continue;
            }
            if (batch == null) {
                continue; // a leader's no-op
            }
            try {
                img = new ImageBuilder(img).replayAll(e.index(), batch).build();
                remember(e.index(), null);
                changed = true;
                fireIfRegistered(img);
            } catch (IllegalStateException conflict) {
                LOG.log(System.Logger.Level.INFO, "metadata entry {0} skipped: {1}", e.index(), conflict.getMessage());
                remember(e.index(), conflict.getMessage());
            }
        }
        if (changed) {
            image = img;
            for (Consumer<ClusterImage> l : listeners) {
                l.accept(img);
            }
        }
    }

    private synchronized void remember(long index, String error) {
        int slot = (int) (index % RESULTS_RING);
        resultIndex[slot] = index;
        results[slot] = error == null ? "" : error;
    }

    /** "" when the entry at {@code index} was applied, its reason when skipped, null when not remembered. */
    public synchronized String resultAt(long index) {
        int slot = (int) (index % RESULTS_RING);
        return resultIndex[slot] == index ? results[slot] : null;
    }

    public byte[] snapshot() {
        return ImageCodec.encode(image);
    }

    public void restore(byte[] data) {
        image = ImageCodec.decode(data);
        fireIfRegistered(image);
        for (Consumer<ClusterImage> l : listeners) {
            l.accept(image);
        }
    }
}
