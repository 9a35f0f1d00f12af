package io.conclave.ops.config;

import io.conclave.multiraft.liveness.LivenessConfig;
import java.util.Locale;
import java.util.Optional;

/**
 * The one table of a node's configuration keys: each with its value kind, bounds, default and one
 * line of documentation. {@code docs/configuration.md} lists every key of this table (a test checks
 * it). An empty default means "not set"; {@link #NODE_ID} has none and must be given.
 */
public enum ConfigKey {
    NODE_ID("node.id", Kind.LONG, 1, Long.MAX_VALUE, null,
            "This node's id, unique in the cluster and never reused; required."),
    CLUSTER_ID("cluster.id", Kind.NAME, 0, 0, "",
            "The cluster's id; empty: learned at bootstrap or join, then persisted in data.dir."),
    DATA_DIR("data.dir", Kind.STRING, 0, 0, "data",
            "Directory of the node's storage (WAL, segments, snapshots, node meta)."),
    RACK("rack", Kind.NAME, 0, 0, "",
            "The node's rack (or zone); placement puts no two replicas of a partition on one rack."),
    LISTEN_HOST("listen.host", Kind.STRING, 0, 0, "127.0.0.1",
            "Address every listener binds to and that peers dial."),
    RAFT_PORT("raft.port", Kind.INT, 0, 65_535, "7001",
            "Port of node-to-node Raft traffic (gRPC); 0 picks an ephemeral port."),
    CLIENT_PORT("client.port", Kind.INT, 0, 65_535, "7002",
            "Port of the client API (gRPC); 0 picks an ephemeral port."),
    HTTP_PORT("http.port", Kind.INT, -1, 65_535, "7003",
            "Port of the HTTP endpoint (/metrics, /health/*); 0 picks an ephemeral port, -1 turns it off."),
    HTTP_THREADS("http.threads", Kind.INT, 1, 16, "2",
            "Threads serving the HTTP endpoint (requests beyond them wait in a bounded queue)."),
    SEEDS("seeds", Kind.SEEDS, 0, 0, "",
            "Comma list of host:clientPort of nodes to join through; empty: bootstrap from initial.controllers."),
    INITIAL_CONTROLLERS("initial.controllers", Kind.CONTROLLERS, 0, 0, "",
            "Comma list of id@host:raftPort:clientPort: the controller group's voters at bootstrap."),
    RUNTIME_LOOPS("runtime.loops", Kind.INT, 0, 256, "0",
            "Event loops (each with an applier thread); 0 = one per available core."),
    RUNTIME_TICK_MS("runtime.tick.ms", Kind.INT, 1, 1_000, "10",
            "Length of one Raft tick in milliseconds."),
    RAFT_ELECTION_TICKS("raft.election.ticks", Kind.INT, 2, 100_000, "30",
            "Per-group election timeout in ticks (a fallback: failover is driven by liveness)."),
    RAFT_HEARTBEAT_TICKS("raft.heartbeat.ticks", Kind.INT, 1, 100_000, "10",
            "Per-group heartbeat interval in ticks; must be below raft.election.ticks."),
    RAFT_QUIESCE_IDLE_TICKS("raft.quiesce.idle.ticks", Kind.INT, 0, 1_000_000, "100",
            "Ticks a leader stays idle before its group rests (no heartbeats, no ticks); 0 = never."),
    RAFT_SNAPSHOT_ENTRIES("raft.snapshot.entries", Kind.LONG, 1, Long.MAX_VALUE, "10000",
            "Entries applied between two state-machine snapshots of a group."),
    LIVENESS_PING_MS("liveness.ping.ms", Kind.INT, 1, 60_000, "10",
            "How often this node pings every peer and evaluates its failure detectors, in milliseconds."),
    LIVENESS_PHI_THRESHOLD("liveness.phi.threshold", Kind.DOUBLE, 0, 1_000, "8.0",
            "Phi above which a peer is suspected (8: a false suspicion about once in 10^8)."),
    // The runtime's own default (150 ms, docs/multiraft.md "Why 150 ms"), not a copy: this key once said
    // 20 ms while the runtime had moved to 150, and every node ran the value that had been measured to
    // cause storms of false suspicions (a node's GC pause or a starved CPU moving all its leaderships).
    LIVENESS_PAUSE_MS("liveness.pause.ms", Kind.INT, 0, 600_000,
            Long.toString(LivenessConfig.defaults().acceptablePauseNs() / 1_000_000L),
            "Extra silence of a peer always tolerated before suspicion, in milliseconds."),
    STORAGE_FSYNC("storage.fsync", Kind.BOOL, 0, 0, "true",
            "Whether writes are fsynced before they count as durable; false only for tests and demos."),
    STORAGE_WAL_FILE_BYTES("storage.wal.file.bytes", Kind.LONG, 4_096, 1L << 40, "67108864",
            "A WAL file is rolled once it holds this many bytes."),
    STORAGE_WAL_PREALLOCATE("storage.wal.preallocate", Kind.BOOL, 0, 0, "true",
            "Whether the next WAL files are made ahead of need — reclaimed WAL files recycled, or a new one "
                    + "zero-filled when none is ready — so appends overwrite written blocks (cheaper fsyncs); "
                    + "costs up to two files of disk (docs/storage-wal.md)."),
    STORAGE_WAL_QUEUE_CAPACITY("storage.wal.queue.capacity", Kind.INT, 1, 1 << 24, "65536",
            "Write requests waiting for the WAL writer; beyond it writes get back-pressure."),
    TRANSPORT_SENDER_THREADS("transport.sender.threads", Kind.INT, 1, 64, "2",
            "Threads draining the per-peer queues into the gRPC streams."),
    TRANSPORT_INBOUND_THREADS("transport.inbound.threads", Kind.INT, 1, 64, "2",
            "Network threads reading the peers' connections (the transport's own, apart from the client API's)."),
    CLIENT_REQUEST_TIMEOUT_MS("client.request.timeout.ms", Kind.LONG, 1, 3_600_000, "10000",
            "Proposals and reads not answered within this many milliseconds fail with a timeout."),
    METRICS_GROUP_SCAN_MS("metrics.group.scan.ms", Kind.LONG, 0, 3_600_000, "5000",
            "How often the per-group census (leaders hosted, terms, leader moves) is taken; 0 = never."),
    LOG_LEVEL("log.level", Kind.LEVEL, 0, 0, "INFO",
            "Level of the root logger: TRACE, DEBUG, INFO, WARN, ERROR or OFF.");

    /** How a value is parsed and checked. */
    public enum Kind {
        /** A 64-bit integer within [min, max]. */
        LONG,
        /** A 32-bit integer within [min, max]. */
        INT,
        /** A finite decimal number within (min, max]. */
        DOUBLE,
        /** {@code true} or {@code false}. */
        BOOL,
        /** Any non-blank text. */
        STRING,
        /** Empty, or letters, digits, '.', '_' and '-', at most 64 characters. */
        NAME,
        /** A comma list of host:port. */
        SEEDS,
        /** A comma list of id@host:raftPort:clientPort. */
        CONTROLLERS,
        /** A log level name. */
        LEVEL
    }

    private final String key;
    private final Kind kind;
    private final long min;
    private final long max;
    private final String defaultValue;
    private final String doc;

    ConfigKey(String key, Kind kind, long min, long max, String defaultValue, String doc) {
        this.key = key;
        this.kind = kind;
        this.min = min;
        this.max = max;
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    /** The key as written in a properties file or a flag ({@code raft.port}). */
    public String key() {
        return key;
    }

    /** The environment variable that sets it ({@code CONCLAVE_RAFT_PORT}). */
    public String envName() {
        return NodeConfig.ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public Kind kind() {
        return kind;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** The default value as text; empty when the key has none (required). */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public String doc() {
        return doc;
    }

    /** The key named {@code key}, if any. */
    public static Optional<ConfigKey> byKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The key whose environment variable is {@code name}, if any. */
    public static Optional<ConfigKey> byEnvName(String name) {
        for (ConfigKey k : values()) {
            if (k.envName().equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The known key closest to {@code unknown} by edit distance, if one is close enough to be a typo. */
    public static Optional<String> suggest(String unknown) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey k : values()) {
            int d = editDistance(unknown, k.key);
            if (d < bestDistance) {
                bestDistance = d;
                best = k.key;
            }
        }
        int tolerated = Math.max(2, unknown.length() / 3);
        return bestDistance <= tolerated ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
