package io.conclave.server.node;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The cluster id and node id a data directory belongs to, in {@code identity.properties}, written
 * atomically (temp file, fsync, rename) and checked on every start so that a node never joins the
 * wrong cluster or starts on another node's data.
 *
 * <p>{@code lossCheckPending}: the directory was new when the node last started on it and the node has
 * not yet settled which replicas the cluster had given it before the directory existed (those lost
 * with a replaced disk must rejoin; see {@link LostReplicaCheck}). Written true with a new directory,
 * rewritten false once settled; a file without the key (written before the check existed) is settled.
 *
 * <p>{@code groupIdMark}: written with the settled flag, the partition group-id high-water mark of the
 * image that registered this directory ({@link LostReplicaCheck#groupIdMark}): groups at or below it may
 * have been hosted by an earlier directory of the node. A file without it (settled before the mark was
 * kept), and a pending one, read {@link LostReplicaCheck#UNKNOWN_MARK}.
 */
public record NodeIdentity(String clusterId, long nodeId, boolean lossCheckPending, long groupIdMark) {

    /** An identity for a new directory whose loss check is pending (no mark yet). */
    public static NodeIdentity pending(String clusterId, long nodeId) {
        return new NodeIdentity(clusterId, nodeId, true, LostReplicaCheck.UNKNOWN_MARK);
    }

    /** An identity for a directory whose loss check settled with group-id mark {@code groupIdMark}. */
    public static NodeIdentity settled(String clusterId, long nodeId, long groupIdMark) {
        return new NodeIdentity(clusterId, nodeId, false, groupIdMark);
    }

    static final String FILE = "identity.properties";

    /** The identity stored in {@code dataDir}, or null for a fresh directory. */
    public static NodeIdentity read(Path dataDir) throws IOException {
        Path f = dataDir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String cluster = p.getProperty("cluster.id");
        String node = p.getProperty("node.id");
        if (cluster == null || node == null) {
            throw new IOException(f + " is damaged: cluster.id and node.id are required");
        }
        String mark = p.getProperty("group.id.mark");
        return new NodeIdentity(cluster, Long.parseLong(node.trim()),
                "pending".equals(p.getProperty("loss.check", "settled").trim()),
                mark == null ? LostReplicaCheck.UNKNOWN_MARK : Long.parseLong(mark.trim()));
    }

    public void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        Properties p = new Properties();
        p.setProperty("cluster.id", clusterId);
        p.setProperty("node.id", Long.toString(nodeId));
        p.setProperty("loss.check", lossCheckPending ? "pending" : "settled");
        if (groupIdMark != LostReplicaCheck.UNKNOWN_MARK) {
            p.setProperty("group.id.mark", Long.toString(groupIdMark));
        }
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "Conclave node identity: do not edit");
        }
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Checks a stored identity against the configured node id and (when known) cluster id.
     *
     * @throws IllegalStateException naming both sides when they differ
     */
    public void check(long configuredNode, String expectedCluster) {
        if (nodeId != configuredNode) {
            throw new IllegalStateException("data directory belongs to node " + nodeId + ", not to node "
                    + configuredNode + " (node.id)");
        }
        if (expectedCluster != null && !expectedCluster.equals(clusterId)) {
            throw new IllegalStateException("data directory belongs to cluster " + clusterId + ", not to cluster "
                    + expectedCluster + " (cluster.id); refusing to start");
        }
    }
}
