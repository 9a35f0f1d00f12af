package io.conclave.cli.bench;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.cli.admin.Percentiles;
import io.conclave.cli.demo.LocalProcesses;
import io.conclave.client.ClientConfig;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Producer;
import io.conclave.client.ProducerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.locks.LockSupport;

/**
 * The data-plane suite: produce through the client library to a local 3-process cluster it starts
 * (or a running one given by {@code bootstrap}), RF 3: synchronous STRONG latency (one record in
 * flight, after {@code latencyWarmupRecords} untimed single writes), then a warm-up window of batched
 * load, a pause, and batched throughput at STRONG and at EVENTUAL, each over a fixed window with at
 * most 10,000 records unacknowledged, counting what was acknowledged within it (the Kafka peer
 * harness's method). Latency comes first, as in the peers' harness: batched load before it made the
 * JIT compile for batches, then throw that code away and compile again for single writes while
 * they were timed (2026-11-27, docs/BENCHMARKS.md).
 */
final class DataSuite {

    /** Unacknowledged records at most during a throughput window: the Kafka peer harness's bound. */
    static final int IN_FLIGHT_RECORDS_MAX = 10_000;
    /** The JVM options of the nodes the suite starts, unless {@code --node-java-opts} says otherwise. */
    static final String NODE_JAVA_OPTS_DEFAULT = "-Xmx1g -XX:+UseParallelGC";
    /** Node metrics a throughput window reports the change of: failovers nobody asked for show here. */
    private static final List<String> WINDOW_COUNTERS = List.of("conclave_groups_leader_changes_total",
            "conclave_liveness_suspicions_total", "conclave_storage_writes_held_back_total");
    private final BenchSizes sizes;
    private final List<String> bootstrap;
    private final PrintStream progress;
    private final List<String> nodeJavaOptions;
    private final List<String> nodeSettings;
    private final Path latencyOut;
    /** The node gauge of groups whose segments hold writes not yet synced. */
    private static final String UNSYNCED_GROUPS = "conclave_storage_groups_unsynced";
    /** The longest wait for the warm-up's segment backlog, after the fixed pause. */
    private static final long SEGMENT_BACKLOG_WAIT_MS_MAX = 30_000;
    /** Where the nodes' logs are copied at the end; null: nowhere. */
    private final Path nodeLogs;

    DataSuite(BenchSizes sizes, List<String> bootstrap, PrintStream progress, List<String> nodeJavaOptions,
              List<String> nodeSettings, Path latencyOut, Path nodeLogs) {
        this.sizes = sizes;
        this.bootstrap = bootstrap;
        this.progress = progress;
        this.nodeJavaOptions = List.copyOf(nodeJavaOptions);
        this.nodeSettings = List.copyOf(nodeSettings);
        this.latencyOut = latencyOut;
        this.nodeLogs = nodeLogs;
    }

    private void copyLogs(LocalProcesses cluster) throws IOException {
        if (nodeLogs == null) {
            return;
        }
        for (long id = 1; id <= 3; id++) {
            Path log = cluster.log(id);
            if (Files.exists(log)) {
                Files.copy(log, nodeLogs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        progress.println("[bench] node logs copied to " + nodeLogs);
    }

    /**
     * Waits (at most {@link #SEGMENT_BACKLOG_WAIT_MS_MAX}) until no node holds writes its segments have
     * not synced yet: the warm-up's backlog is written and synced, and its disk traffic no longer
     * competes with the measured window's writes. The fixed pause before it was not always enough (the
     * first tenth of the timed writes ran slower, when they came after it). Nothing to wait for with an
     * external cluster.
     */
    private void awaitSegmentsSynced(LocalProcesses cluster) {
        if (cluster == null) {
            return;
        }
        long t0 = System.nanoTime();
        long deadline = t0 + SEGMENT_BACKLOG_WAIT_MS_MAX * 1_000_000L;
        double unsynced = cluster.metricMax(UNSYNCED_GROUPS);
        while (unsynced != 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(250_000_000L);
            unsynced = cluster.metricMax(UNSYNCED_GROUPS);
        }
        progress.printf("[bench] data: %s after %.1f s more%n", unsynced == 0
                ? "every node's segments synced" : "segments still unsynced on some node (" + unsynced + " groups)",
                (System.nanoTime() - t0) / 1e9);
    }

    List<Figure> run() throws Exception {
        Path root = null;
        LocalProcesses cluster = null;
        List<String> addresses = bootstrap;
        if (addresses == null || addresses.isEmpty()) {
            root = Files.createTempDirectory("conclave-bench-");
            cluster = new LocalProcesses(root, 3, nodeJavaOptions, "WARN", nodeSettings);
            progress.println("[bench] starting 3 node processes (logs: " + root + ") ...");
            for (long id = 1; id <= 3; id++) {
                cluster.start(id);
            }
            addresses = cluster.clientAddresses();
        }
        try (ConclaveClient client = ConclaveClient.connect(ClientConfig.of(addresses).withRetriesMax(60))) {
            String topic = "bench-" + Long.toHexString(System.nanoTime());
            createTopic(client, topic);
            byte[] value = new byte[sizes.recordBytes()];
            EngineSuites.Sink f = new EngineSuites.Sink(Suite.DATA);
            latency(client, topic, value, f, cluster);
            if (sizes.throughputWarmupSeconds() > 0) {
                progress.printf("[bench] data: %d s of STRONG produce load to warm up (not measured)%n",
                        sizes.throughputWarmupSeconds());
                produceFor(client, topic, value, ConsistencyLevel.STRONG, sizes.throughputWarmupSeconds());
                // Let the nodes write the warm-up's backlog into their segments before a window is
                // measured: a third of the warm-up, 10 s at the default.
                LockSupport.parkNanos(sizes.throughputWarmupSeconds() * 1_000_000_000L / 3);
                awaitSegmentsSynced(cluster);
            }
            throughput(client, topic, value, ConsistencyLevel.STRONG, f, cluster);
            throughput(client, topic, value, ConsistencyLevel.EVENTUAL, f, cluster);
            return f.figures;
        } finally {
            if (cluster != null) {
                cluster.close();
                try {
                    copyLogs(cluster);
                } finally {
                    LocalProcesses.deleteTree(root);
                }
            }
        }
    }

    private Map<String, Object> params(String consistency, int records, Object... more) {
        Map<String, Object> p = EngineSuites.params("consistency", consistency, "records", records, "recordBytes",
                sizes.recordBytes(), "partitions", sizes.partitions(), "replicationFactor", 3, "nodes",
                bootstrap == null || bootstrap.isEmpty() ? "3 local processes" : String.join(",", bootstrap));
        if (bootstrap == null || bootstrap.isEmpty()) {
            p.put("nodeJavaOpts", String.join(" ", nodeJavaOptions));
            if (!nodeSettings.isEmpty()) {
                p.put("nodeSettings", String.join(" ", nodeSettings));
            }
        }
        p.putAll(EngineSuites.params(more));
        return p;
    }

    private void createTopic(ConclaveClient client, String topic) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            try {
                client.admin().createTopic(topic, sizes.partitions(), 3, Map.of());
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(100_000_000L);
            }
        }
    }

    private void latency(ConclaveClient client, String topic, byte[] value, EngineSuites.Sink f,
                         LocalProcesses cluster) {
        int n = sizes.latencyRecords();
        long[] ns = new long[n];
        long[] startNs = new long[n];
        long cpuBeforeNs;
        long cpuAfterNs;
        // One producer for the warm-up and the timed writes: one stream of single writes whose first
        // part is not timed (a producer of its own for the warm-up left the first 500-1,000 timed
        // writes of a new one slower in every run).
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0)
                .withConsistency(ConsistencyLevel.STRONG))) {
            progress.printf("[bench] data: %d untimed single STRONG writes to warm up%n", sizes.latencyWarmupRecords());
            for (int i = 0; i < sizes.latencyWarmupRecords(); i++) {
                p.send(topic, null, value).join();
            }
            progress.printf("[bench] data: timing %d single STRONG writes%n", n);
            cpuBeforeNs = cluster == null ? -1 : cluster.cpuNanos();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                p.send(topic, null, value).join();
                ns[i] = System.nanoTime() - t0;
                startNs[i] = t0;
            }
            cpuAfterNs = cluster == null ? -1 : cluster.cpuNanos();
        }
        if (latencyOut != null) {
            writeLatencies(startNs, ns);
        }
        Percentiles pc = new Percentiles(ns, n);
        Map<String, Object> p = params("STRONG", n, "inFlight", 1, "lingerMs", 0, "warmupRecords",
                sizes.latencyWarmupRecords());
        f.add("produceLatencyP50", pc.ms(0.50), "ms", p);
        f.add("produceLatencyP99", pc.ms(0.99), "ms", p);
        f.add("produceLatencyMax", pc.ms(1.0), "ms", p);
        double cpuMsPerWrite = cpuBeforeNs >= 0 && cpuAfterNs >= 0 ? (cpuAfterNs - cpuBeforeNs) / 1e6 / n : Double.NaN;
        if (!Double.isNaN(cpuMsPerWrite)) {
            // What one acknowledged write costs the three nodes together (every thread: transport, Raft,
            // disk, apply, GC, JIT), a figure the sharing of two cores does not inflate the way it does latency.
            f.add("nodeCpuPerWrite", cpuMsPerWrite, "ms", p);
        }
        progress.printf("[bench] data: STRONG latency p50 %.2f ms, p99 %.2f ms over %d writes; node CPU %.3f ms"
                + " a write%n", pc.ms(0.5), pc.ms(0.99), n, cpuMsPerWrite);
    }

    /**
     * {@link #WINDOW_COUNTERS}, each the largest over the nodes (a change of a group is seen by each
     * of its replicas); null without local nodes or when one does not answer.
     */
    private static double[] counters(LocalProcesses cluster) {
        if (cluster == null) {
            return null;
        }
        double[] out = new double[WINDOW_COUNTERS.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cluster.metricMax(WINDOW_COUNTERS.get(i));
            if (out[i] < 0) {
                return null;
            }
        }
        return out;
    }

    private void writeLatencies(long[] startNs, long[] ns) {
        long firstEpochMs = System.currentTimeMillis() - (System.nanoTime() - startNs[0]) / 1_000_000;
        StringBuilder b = new StringBuilder("# startMs latencyMs: each timed STRONG write, from the first one's start at "
                + java.time.Instant.ofEpochMilli(firstEpochMs) + " (epoch ms " + firstEpochMs + ")\n");
        for (int i = 0; i < ns.length; i++) {
            b.append(String.format(Locale.ROOT, "%.3f %.3f%n", (startNs[i] - startNs[0]) / 1e6, ns[i] / 1e6));
        }
        try {
            Files.writeString(latencyOut, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --latency-out " + latencyOut + ": " + e.getMessage(), e);
        }
    }

    /**
     * Produces at {@code level} for {@code seconds} with at most {@link #IN_FLIGHT_RECORDS_MAX} records
     * unacknowledged (the Kafka peer harness's bound), counting the records acknowledged within the
     * window, as that harness does.
     */
    private Window produceFor(ConclaveClient client, String topic, byte[] value, ConsistencyLevel level,
                              int seconds) {
        Semaphore inFlight = new Semaphore(IN_FLIGHT_RECORDS_MAX);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        LongAccumulator ackWaitNsMax = new LongAccumulator(Math::max, 0);
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        long ackedAtEnd;
        double windowSeconds;
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(5).withConsistency(level))) {
            while (System.nanoTime() < end) {
                if (!inFlight.tryAcquire(1, 100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long sentNs = System.nanoTime();
                p.send(topic, null, value).whenComplete((m, e) -> {
                    ackWaitNsMax.accumulate(System.nanoTime() - sentNs);
                    (e == null ? acked : failed).incrementAndGet();
                    if (e != null) {
                        firstError.compareAndSet(null, e);
                    }
                    inFlight.release();
                });
            }
            ackedAtEnd = acked.get();
            windowSeconds = (System.nanoTime() - t0) / 1e9;
            p.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
        return new Window(ackedAtEnd, failed.get(), windowSeconds, firstError.get(), ackWaitNsMax.get() / 1e6);
    }

    /**
     * What a throughput window saw: acknowledged within it, failed by the end of the run, its length,
     * the first error, and the longest any record waited from {@code send} to its answer (a stalled
     * batch shows here long before it fails).
     */
    private record Window(long acked, long failed, double seconds, Throwable firstError, double ackWaitMsMax) {
    }

    private void throughput(ConclaveClient client, String topic, byte[] value, ConsistencyLevel level,
                            EngineSuites.Sink f, LocalProcesses cluster) {
        double[] before = counters(cluster);
        Window w = produceFor(client, topic, value, level, sizes.throughputSeconds());
        double[] after = counters(cluster);
        double rate = w.acked() / w.seconds();
        Map<String, Object> p = params(level.name(), (int) w.acked(), "lingerMs", 5, "inFlightMax",
                IN_FLIGHT_RECORDS_MAX, "seconds", EngineSuites.round3(w.seconds()), "warmupSeconds",
                sizes.throughputWarmupSeconds());
        f.add("throughput", rate, "records/s", p);
        f.add("throughputBytes", rate * value.length / 1e6, "MB/s", p);
        f.add("acknowledged", w.acked(), "records", p);
        f.add("failed", w.failed(), "records", p);
        f.add("ackWaitMax", w.ackWaitMsMax(), "ms", p);
        String changes = "";
        if (before != null && after != null) {
            double leaderChanges = after[0] - before[0];
            double suspicions = after[1] - before[1];
            f.add("leaderChanges", leaderChanges, "changes", p);
            f.add("livenessSuspicions", suspicions, "suspicions", p);
            double heldBack = after[2] - before[2];
            f.add("writesHeldBack", heldBack, "writes", p);
            changes = String.format(Locale.ROOT, "; %.0f leader changes, %.0f liveness suspicions, %.0f writes held"
                    + " back on a node", leaderChanges, suspicions, heldBack);
        }
        progress.printf("[bench] data: %s throughput %,.0f records/s (%d failed%s; longest wait for an answer %.0f ms%s)%n",
                level, rate, w.failed(), w.firstError() == null ? "" : "; the first: " + w.firstError(),
                w.ackWaitMsMax(), changes);
    }
}
