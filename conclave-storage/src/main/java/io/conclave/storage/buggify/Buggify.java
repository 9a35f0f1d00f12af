package io.conclave.storage.buggify;

import java.util.Objects;

/**
 * The switchboard of buggify points. Production code asks {@link #fire(String)} at a point and takes
 * the rare path only on {@code true}; with no source installed (always, outside a simulator) the
 * answer is {@code false} after one volatile read. A simulator installs a seeded {@link Source} on its
 * thread for the length of a run ({@link #install}) and closes the returned scope at the end.
 *
 * <p>Points (each a constant here, so they are listed in one place):
 * {@link #WAL_DEFER_BATCH}, {@link #WAL_SHORT_WRITE}, {@link #SNAPSHOT_INSTALL_DEFERRED},
 * {@link #REPLICATION_DROP}, {@link #REPLICATION_DUPLICATE}, {@link #SNAPSHOT_DROP_CHUNK}.
 */
public final class Buggify {

    /** The WAL group-commit writer leaves its queue for the next round: a late fsync. */
    public static final String WAL_DEFER_BATCH = "wal.defer-batch";
    /** The WAL writer writes a prefix of the batch and fails it before the fsync (a short write). */
    public static final String WAL_SHORT_WRITE = "wal.short-write";
    /** Saving an installed snapshot is refused as if the disk were full; the replica retries. */
    public static final String SNAPSHOT_INSTALL_DEFERRED = "snapshot.install-deferred";
    /** An outgoing append (a replication batch) is dropped before the transport. */
    public static final String REPLICATION_DROP = "replication.drop-batch";
    /** An outgoing append (a replication batch) is sent twice. */
    public static final String REPLICATION_DUPLICATE = "replication.duplicate-batch";
    /** An outgoing snapshot chunk is dropped before the transport. */
    public static final String SNAPSHOT_DROP_CHUNK = "snapshot.drop-chunk";

    /** Decides, per call, whether a named point takes its rare path. */
    @FunctionalInterface
    public interface Source {
        boolean fire(String point);
    }

    /** Uninstalls the source it was returned for. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final ThreadLocal<Source> SOURCE = new ThreadLocal<>();
    /** False until any source was ever installed in this JVM: the production fast path. */
    private static volatile boolean armed;

    private Buggify() {
    }

    /** Whether the point {@code point} takes its rare path now; always false without an installed source. */
    public static boolean fire(String point) {
        if (!armed) {
            return false;
        }
        Source s = SOURCE.get();
        return s != null && s.fire(point);
    }

    /** Installs {@code source} on the calling thread until the returned scope is closed. */
    public static Scope install(Source source) {
        Objects.requireNonNull(source, "source");
        if (SOURCE.get() != null) {
            throw new IllegalStateException("a buggify source is already installed on this thread");
        }
        armed = true;
        SOURCE.set(source);
        return SOURCE::remove;
    }
}
