package io.conclave.ops;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.time.Clock;
import io.conclave.ops.config.NodeConfig;
import io.conclave.ops.disk.ObservedDisk;
import io.conclave.ops.http.HttpConfig;
import io.conclave.ops.http.OpsHttpServer;
import io.conclave.ops.http.ReadinessCheck;
import io.conclave.ops.logging.ClusterEventLog;
import io.conclave.ops.logging.LogLevels;
import io.conclave.ops.metrics.CensusConfig;
import io.conclave.ops.metrics.ConclaveMetrics;
import io.conclave.ops.metrics.GroupCensus;
import io.conclave.ops.metrics.RuntimeSampler;
import io.conclave.storage.disk.Disk;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything operational around one node's runtime, wired from its {@link NodeConfig}. Two steps,
 * because the disk must be wrapped before the runtime exists:
 * <pre>{@code
 * NodeOps ops = NodeOps.create(config, SystemClock.INSTANCE);      // log level, registry, JVM meters
 * Disk disk = ops.observe(new RealDisk(config.dataDir()));         // fsync timing, storage.fsync
 * RaftRuntime runtime = new RaftRuntime(..., disk, ...).start();
 * ops.start(runtime, () -> ...);                                   // runtime meters, census, HTTP
 * ...
 * ops.close(); runtime.close();
 * }</pre>
 * Not thread-safe: one thread creates, starts and closes it.
 */
public final class NodeOps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeOps.class);
    /** A scrape reads the runtime's counters once; samples younger than this are reused. */
    private static final long SAMPLE_MAX_AGE_NS = 100_000_000L;
    private static final int LEADER_CHANGE_LINES_PER_CENSUS_MAX = 20;

    private final NodeConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private GroupCensus census;
    private ConclaveMetrics metrics;
    private ClusterEventLog eventLog;
    private OpsHttpServer http;
    private boolean closed;

    private NodeOps(NodeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", Long.toString(config.nodeId()));
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Sets the log level from {@code log.level}, makes the registry and binds the JVM's meters. */
    public static NodeOps create(NodeConfig config, Clock clock) {
        if (!LogLevels.setRoot(config.logLevel())) {
            LOG.warn("log.level={} not applied: SLF4J is not bound to Logback", config.logLevel());
        }
        LOG.info("node {} configuration: {}", config.nodeId(), String.join(", ", config.describe()));
        return new NodeOps(config, clock);
    }

    /** The disk the runtime should use: {@code disk} with timed syncs, skipped when {@code storage.fsync=false}. */
    public Disk observe(Disk disk) {
        if (!config.storageFsync()) {
            LOG.warn("storage.fsync=false: writes are acknowledged before they are durable; a crash can lose them");
        }
        return new ObservedDisk(disk, config.storageFsync(), clock, registry);
    }

    /**
     * Binds the runtime's meters, starts the group census (every {@code metrics.group.scan.ms}) with
     * its event log, and the HTTP endpoint unless {@code http.port=-1}.
     */
    public NodeOps start(RaftRuntime runtime, ReadinessCheck readiness) throws IOException {
        if (metrics != null || closed) {
            throw new IllegalStateException(closed ? "NodeOps is closed" : "NodeOps already started");
        }
        RuntimeSampler sampler = new RuntimeSampler(runtime, clock, SAMPLE_MAX_AGE_NS);
        census = new GroupCensus(GroupCensus.StatusSource.of(runtime), CensusConfig.every(config.metricsGroupScanMs()));
        metrics = new ConclaveMetrics(sampler, census);
        metrics.bindTo(registry);
        eventLog = new ClusterEventLog(config.nodeId(), LEADER_CHANGE_LINES_PER_CENSUS_MAX);
        census.addListener(eventLog);
        runtime.addLivenessListener(eventLog);
        census.addListener((report, changes) -> {
            eventLog.onSample(sampler.sample());
            metrics.registerNewPeers();
        });
        census.start();
        if (config.httpEnabled()) {
            HttpConfig hc = HttpConfig.defaults(config.listenHost(), config.httpPort()).withThreads(config.httpThreads());
            http = OpsHttpServer.start(hc, this::scrape, readiness);
        }
        return this;
    }

    private String scrape() {
        metrics.registerNewPeers();
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The HTTP endpoint's bound port, if it runs. */
    public OptionalInt httpPort() {
        return http == null ? OptionalInt.empty() : OptionalInt.of(http.port());
    }

    /** The group census (null before {@link #start}). */
    public GroupCensus census() {
        return census;
    }

    /** The event log; also registered on the runtime's liveness: a line per suspicion and recovery as they happen. */
    public ClusterEventLog eventLog() {
        return eventLog;
    }

    /** Stops the HTTP endpoint and the census, and releases the meters; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (http != null) {
            http.close();
        }
        if (census != null) {
            census.close();
        }
        gcMetrics.close();
        registry.close();
    }
}
