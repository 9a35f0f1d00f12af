package io.conclave.ops.config;

import io.conclave.multiraft.liveness.LivenessConfig;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.storage.engine.EngineConfig;
import io.conclave.storage.wal.WalConfig;
import io.conclave.transport.TransportConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * A node's validated configuration. Values come from, in increasing precedence: the defaults of
 * {@link ConfigKey}, a Java properties file, {@code CONCLAVE_*} environment variables
 * ({@code raft.port} is {@code CONCLAVE_RAFT_PORT}) and command-line flags. {@link #load} rejects an
 * invalid configuration with a {@link ConfigException} listing every problem, each naming its key.
 * Immutable once loaded.
 */
public final class NodeConfig {

    /** The prefix of the environment variables that set keys. */
    public static final String ENV_PREFIX = "CONCLAVE_";

    /** Environment variable of the launcher naming the config file; not a key. */
    public static final String CONFIG_FILE_ENV = "CONCLAVE_CONFIG";

    /** {@code CONCLAVE_*} variables the launcher uses for itself; they are not keys and are ignored. */
    public static final Set<String> LAUNCHER_ENV = Set.of(CONFIG_FILE_ENV, "CONCLAVE_JAVA_OPTS", "CONCLAVE_HOME");

    /** A value and where it came from. */
    private record Setting(String text, Origin origin, String where) {
    }

    private final Map<ConfigKey, Setting> settings;
    private final Map<ConfigKey, Object> values;
    private final int availableCores;

    private NodeConfig(Map<ConfigKey, Setting> settings, Map<ConfigKey, Object> values, int availableCores) {
        this.settings = settings;
        this.values = values;
        this.availableCores = availableCores;
    }

    /**
     * Loads and validates a configuration.
     *
     * @param file the properties file, or null for none
     * @param env the process environment ({@code System.getenv()}); only {@code CONCLAVE_*} names are read
     * @param flags overrides from the command line, by key ({@code raft.port -> 7101})
     */
    public static NodeConfig load(Path file, Map<String, String> env, Map<String, String> flags)
            throws ConfigException {
        List<String> problems = new ArrayList<>();
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            k.defaultValue().ifPresent(d -> settings.put(k, new Setting(d, Origin.DEFAULT, "default")));
        }
        if (file != null) {
            readFile(file, settings, problems);
        }
        readEnv(env, settings, problems);
        for (Map.Entry<String, String> e : new TreeMap<>(flags).entrySet()) {
            String where = "flag --" + e.getKey();
            put(e.getKey(), e.getValue(), Origin.FLAG, where, settings, problems);
        }
        Map<ConfigKey, Object> values = parseAll(settings, problems);
        NodeConfig config = new NodeConfig(settings, values, Runtime.getRuntime().availableProcessors());
        if (problems.isEmpty()) {
            config.crossCheck(problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** A configuration from flags alone (tests, embedded nodes); the environment is not read. */
    public static NodeConfig of(Map<String, String> flags) throws ConfigException {
        return load(null, Map.of(), flags);
    }

    private static void readFile(Path file, Map<ConfigKey, Setting> settings, List<String> problems) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("cannot read config file " + file + ": " + e.getMessage());
            return;
        }
        for (String name : new java.util.TreeSet<>(props.stringPropertyNames())) {
            put(name, props.getProperty(name), Origin.FILE, "file " + file, settings, problems);
        }
    }

    private static void readEnv(Map<String, String> env, Map<ConfigKey, Setting> settings, List<String> problems) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || LAUNCHER_ENV.contains(name)) {
                continue;
            }
            Optional<ConfigKey> key = ConfigKey.byEnvName(name);
            if (key.isEmpty()) {
                String asKey = name.substring(ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                problems.add("unknown environment variable " + name + suggestion(asKey, true));
                continue;
            }
            settings.put(key.get(), new Setting(e.getValue().trim(), Origin.ENV, "env " + name));
        }
    }

    private static void put(String name, String text, Origin origin, String where, Map<ConfigKey, Setting> settings,
                            List<String> problems) {
        Optional<ConfigKey> key = ConfigKey.byKey(name.trim());
        if (key.isEmpty()) {
            problems.add("unknown key '" + name + "' (" + where + ")" + suggestion(name.trim(), false));
            return;
        }
        settings.put(key.get(), new Setting(text == null ? "" : text.trim(), origin, where));
    }

    private static String suggestion(String unknown, boolean asEnv) {
        return ConfigKey.suggest(unknown)
                .map(k -> "; did you mean " + (asEnv ? ConfigKey.byKey(k).orElseThrow().envName() : "'" + k + "'") + "?")
                .orElse("; known keys are listed in docs/configuration.md");
    }

    private static Map<ConfigKey, Object> parseAll(Map<ConfigKey, Setting> settings, List<String> problems) {
        Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            Setting s = settings.get(k);
            if (s == null) {
                problems.add(k.key() + " is required (" + k.doc() + ") — set it in the file, as " + k.envName()
                        + " or as --" + k.key());
                continue;
            }
            try {
                values.put(k, ConfigValues.parse(k, s.text()));
            } catch (ConfigValues.BadValue e) {
                problems.add(k.key() + " (" + s.where() + "): " + e.getMessage());
            } catch (IllegalArgumentException e) {
                problems.add(k.key() + " (" + s.where() + "): " + e.getMessage());
            }
        }
        return values;
    }

    /** Rules that involve more than one key, and the bounds the config records check. */
    private void crossCheck(List<String> problems) {
        Map<Integer, ConfigKey> ports = new TreeMap<>();
        for (ConfigKey k : List.of(ConfigKey.RAFT_PORT, ConfigKey.CLIENT_PORT, ConfigKey.HTTP_PORT)) {
            int p = (Integer) values.get(k);
            if (p <= 0) {
                continue;
            }
            ConfigKey other = ports.putIfAbsent(p, k);
            if (other != null) {
                problems.add(k.key() + " (" + where(k) + "): port " + p + " is already taken by " + other.key()
                        + " (" + where(other) + "); every listener needs its own port");
            }
        }
        if (raftHeartbeatTicks() >= raftElectionTicks()) {
            problems.add(ConfigKey.RAFT_HEARTBEAT_TICKS.key() + " (" + where(ConfigKey.RAFT_HEARTBEAT_TICKS) + "): "
                    + raftHeartbeatTicks() + " must be below " + ConfigKey.RAFT_ELECTION_TICKS.key() + " ("
                    + raftElectionTicks() + ")");
            return;
        }
        try {
            runtimeConfig();
            transportConfig();
        } catch (IllegalArgumentException e) {
            problems.add("the keys together make an invalid node: " + e.getMessage());
        }
    }

    private String where(ConfigKey k) {
        return settings.get(k).where();
    }

    // ============================== typed getters ==============================

    public long nodeId() {
        return (Long) values.get(ConfigKey.NODE_ID);
    }

    public Optional<String> clusterId() {
        return nonEmpty(ConfigKey.CLUSTER_ID);
    }

    public Path dataDir() {
        return Path.of((String) values.get(ConfigKey.DATA_DIR));
    }

    public Optional<String> rack() {
        return nonEmpty(ConfigKey.RACK);
    }

    public String listenHost() {
        return (String) values.get(ConfigKey.LISTEN_HOST);
    }

    public int raftPort() {
        return (Integer) values.get(ConfigKey.RAFT_PORT);
    }

    public int clientPort() {
        return (Integer) values.get(ConfigKey.CLIENT_PORT);
    }

    /** The HTTP port: 0 ephemeral, -1 when the endpoint is off (see {@link #httpEnabled()}). */
    public int httpPort() {
        return (Integer) values.get(ConfigKey.HTTP_PORT);
    }

    public boolean httpEnabled() {
        return httpPort() >= 0;
    }

    public int httpThreads() {
        return (Integer) values.get(ConfigKey.HTTP_THREADS);
    }

    @SuppressWarnings("unchecked")
    public List<HostPort> seeds() {
        return (List<HostPort>) values.get(ConfigKey.SEEDS);
    }

    @SuppressWarnings("unchecked")
    public List<ControllerAddress> initialControllers() {
        return (List<ControllerAddress>) values.get(ConfigKey.INITIAL_CONTROLLERS);
    }

    /** Event loops: the configured count, or one per available core when 0. */
    public int runtimeLoops() {
        int v = (Integer) values.get(ConfigKey.RUNTIME_LOOPS);
        return v == 0 ? Math.min(256, availableCores) : v;
    }

    public int runtimeTickMs() {
        return (Integer) values.get(ConfigKey.RUNTIME_TICK_MS);
    }

    public int raftElectionTicks() {
        return (Integer) values.get(ConfigKey.RAFT_ELECTION_TICKS);
    }

    public int raftHeartbeatTicks() {
        return (Integer) values.get(ConfigKey.RAFT_HEARTBEAT_TICKS);
    }

    public int raftQuiesceIdleTicks() {
        return (Integer) values.get(ConfigKey.RAFT_QUIESCE_IDLE_TICKS);
    }

    public long raftSnapshotEntries() {
        return (Long) values.get(ConfigKey.RAFT_SNAPSHOT_ENTRIES);
    }

    public int livenessPingMs() {
        return (Integer) values.get(ConfigKey.LIVENESS_PING_MS);
    }

    public double livenessPhiThreshold() {
        return (Double) values.get(ConfigKey.LIVENESS_PHI_THRESHOLD);
    }

    public int livenessPauseMs() {
        return (Integer) values.get(ConfigKey.LIVENESS_PAUSE_MS);
    }

    /** Whether storage fsyncs; the node wraps its disk so that syncs are skipped when false. */
    public boolean storageFsync() {
        return (Boolean) values.get(ConfigKey.STORAGE_FSYNC);
    }

    public long storageWalFileBytes() {
        return (Long) values.get(ConfigKey.STORAGE_WAL_FILE_BYTES);
    }

    public boolean storageWalPreallocate() {
        return (Boolean) values.get(ConfigKey.STORAGE_WAL_PREALLOCATE);
    }

    public int storageWalQueueCapacity() {
        return (Integer) values.get(ConfigKey.STORAGE_WAL_QUEUE_CAPACITY);
    }

    public int transportSenderThreads() {
        return (Integer) values.get(ConfigKey.TRANSPORT_SENDER_THREADS);
    }

    public int transportInboundThreads() {
        return (Integer) values.get(ConfigKey.TRANSPORT_INBOUND_THREADS);
    }

    public long clientRequestTimeoutMs() {
        return (Long) values.get(ConfigKey.CLIENT_REQUEST_TIMEOUT_MS);
    }

    /** Milliseconds between two group censuses; 0 = never. */
    public long metricsGroupScanMs() {
        return (Long) values.get(ConfigKey.METRICS_GROUP_SCAN_MS);
    }

    /** The root log level, upper case. */
    public String logLevel() {
        return (String) values.get(ConfigKey.LOG_LEVEL);
    }

    /** Where the value of {@code key} came from. */
    public Origin origin(ConfigKey key) {
        return settings.get(key).origin();
    }

    /** Every key with its effective value and origin, one {@code key=value (origin)} per line, for the start log. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (ConfigKey k : ConfigKey.values()) {
            Setting s = settings.get(k);
            out.add(k.key() + "=" + s.text() + " (" + s.where() + ")");
        }
        return out;
    }

    private Optional<String> nonEmpty(ConfigKey k) {
        String v = (String) values.get(k);
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    // ============================== config records ==============================

    public LivenessConfig livenessConfig() {
        return LivenessConfig.defaults()
                .withPingIntervalNs(livenessPingMs() * 1_000_000L)
                .withPhiThreshold(livenessPhiThreshold())
                .withAcceptablePauseNs(livenessPauseMs() * 1_000_000L)
                .validate();
    }

    public EngineConfig engineConfig() {
        WalConfig d = WalConfig.defaults();
        WalConfig wal = new WalConfig(storageWalFileBytes(), d.recordBytesMax(), storageWalQueueCapacity(),
                d.batchRequestsMax(), d.batchBytesMax(), storageWalPreallocate());
        return EngineConfig.defaults().withWal(wal).validate();
    }

    /** The runtime's bounds; its seed is the node id, so two nodes never draw the same jitter. */
    public RuntimeConfig runtimeConfig() {
        long tickNs = runtimeTickMs() * 1_000_000L;
        return RuntimeConfig.builder()
                .loopCount(runtimeLoops())
                .tickIntervalNs(tickNs)
                .timerResolutionNs(Math.min(1_000_000L, tickNs))
                .electionTimeoutTicks(raftElectionTicks())
                .heartbeatIntervalTicks(raftHeartbeatTicks())
                .quiesceIdleTicks(raftQuiesceIdleTicks())
                .snapshotEntries(raftSnapshotEntries())
                .requestTimeoutNs(clientRequestTimeoutMs() * 1_000_000L)
                .liveness(livenessConfig())
                .storage(engineConfig())
                .seed(nodeId())
                .build();
    }

    /** The node-to-node transport's bounds, listening on {@code listen.host:raft.port}. */
    public TransportConfig transportConfig() {
        TransportConfig d = TransportConfig.defaults(listenHost(), raftPort());
        return new TransportConfig(d.bindHost(), d.port(), d.priority(), d.bulk(), d.snapshot(), d.batchMessagesMax(),
                d.batchBytesMax(), d.inboundMessageBytesMax(), d.flowControlWindowBytes(), d.backoffMinMs(),
                d.backoffMaxMs(), d.backoffJitter(), d.handshakeDeadlineMs(), d.keepAliveMs(), transportSenderThreads(),
                transportInboundThreads(), d.shutdownMs(), nodeId(), d.inboundOnNetty()).validate();
    }
}
