package io.conclave.ops.identity;

import io.conclave.ops.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The file {@code <data.dir>/cluster.id}: one line, the id of the cluster whose data the directory
 * holds. A node that bootstraps a cluster or joins one records its id here once; from then on the
 * directory refuses to serve another cluster ({@link #reconcile}).
 */
public final class ClusterIdFile {

    public static final String FILE_NAME = "cluster.id";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Path dataDir;
    private final Path file;

    public ClusterIdFile(Path dataDir) {
        this.dataDir = dataDir;
        this.file = dataDir.resolve(FILE_NAME);
    }

    /** The recorded id, if the directory has one. */
    public Optional<String> read() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String id = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!ID.matcher(id).matches()) {
            throw new IOException(file + " does not hold a cluster id (at most 64 letters, digits, '.', '_', '-'): '"
                    + id + "'");
        }
        return Optional.of(id);
    }

    /**
     * Records {@code id}: written to a temporary file, synced, renamed over {@code cluster.id}, and the
     * directory synced, so a crash leaves either the old file or the new one.
     */
    public void write(String id) throws IOException {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a cluster id (at most 64 letters, digits, '.', '_', '-'): '" + id + "'");
        }
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically on this file system", e);
        }
        try (FileChannel dir = FileChannel.open(dataDir, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /**
     * The id this node serves: the recorded one, or else the configured one (then recorded), or empty
     * when neither exists (the node learns it at bootstrap or join and calls {@link #write}).
     *
     * @throws ConfigException when the directory belongs to a cluster other than the configured one
     */
    public Optional<String> reconcile(Optional<String> configured) throws IOException, ConfigException {
        Optional<String> recorded = read();
        if (recorded.isPresent()) {
            if (configured.isPresent() && !configured.get().equals(recorded.get())) {
                throw new ConfigException(List.of("cluster.id is '" + configured.get() + "' but data.dir "
                        + dataDir + " holds data of cluster '" + recorded.get() + "' (see " + file
                        + "); point data.dir elsewhere or fix cluster.id"));
            }
            return recorded;
        }
        if (configured.isPresent()) {
            write(configured.get());
        }
        return configured;
    }
}
