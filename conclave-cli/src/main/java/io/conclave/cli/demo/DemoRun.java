package io.conclave.cli.demo;

import io.conclave.api.proto.ClusterStatusResponse;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.TopicMetadata;
import io.conclave.cli.admin.Percentiles;
import io.conclave.client.ClientConfig;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Consumer;
import io.conclave.client.ConsumerConfig;
import io.conclave.client.ConsumerRecord;
import io.conclave.client.Producer;
import io.conclave.client.ProducerConfig;
import io.conclave.client.RecordMetadata;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The demo's script against a {@link LocalProcesses} cluster: a topic of {@code partitions}
 * partitions, RF 3; a STRONG producer writing {@code records} records while a consumer reads;
 * the leader of partition 0 killed with SIGKILL at 30 % and restarted at 70 %; then verification
 * from the consumer's records (none lost, none duplicated, each at the offset its ack named) and
 * of the replicas (equal digests on every node, per partition).
 */
public final class DemoRun {

    /** What the demo found. */
    public record Summary(long acknowledged, long failed, long consumed, long lost, long duplicated,
                          long misplaced, boolean replicasIdentical, long failoverMs, long killedNode,
                          double throughputPerSec, double latencyP50Ms, double latencyP99Ms, double seconds) {

        public boolean ok() {
            return lost == 0 && duplicated == 0 && misplaced == 0 && failed == 0 && replicasIdentical
                    && consumed >= acknowledged;
        }
    }

    private static final String TOPIC = "demo";
    static final int WINDOW_RECORDS = 2_000;
    private final LocalProcesses cluster;
    private final int records;
    private final int partitions;
    private final int valueBytes;
    private final PrintStream progress;

    public DemoRun(LocalProcesses cluster, int records, int partitions, int valueBytes, PrintStream progress) {
        this.cluster = cluster;
        this.records = records;
        this.partitions = partitions;
        this.valueBytes = valueBytes;
        this.progress = progress;
    }

    private void say(String fmt, Object... args) {
        progress.printf("[demo] " + fmt + "%n", args);
        progress.flush();
    }

    public Summary run() {
        long t0 = System.nanoTime();
        say("starting %d nodes (separate JVMs) on racks a, b, c ...", cluster.size());
        for (long id = 1; id <= cluster.size(); id++) {
            cluster.start(id);
        }
        try (ConclaveClient client = ConclaveClient.connect(ClientConfig.of(cluster.clientAddresses())
                .withRequestTimeoutMs(5_000).withRetriesMax(30))) {
            awaitCluster(client);
            client.admin().createTopic(TOPIC, partitions, 3, Map.of());
            await(Duration.ofSeconds(60), () -> leaders(client).values().stream().allMatch(l -> l != 0),
                    "every partition of '" + TOPIC + "' to have a leader");
            say("topic '%s': %d partitions, replication factor 3, leaders %s", TOPIC, partitions, leaders(client));
            return produceKillVerify(client, t0);
        }
    }

    private void awaitCluster(ConclaveClient client) {
        await(Duration.ofSeconds(90), () -> {
            try {
                ClusterStatusResponse st = client.admin().clusterStatus();
                return st.getNodesCount() == cluster.size() && st.getControllerLeader() != 0;
            } catch (RuntimeException notYet) {
                return false;
            }
        }, "the cluster to form (logs: " + cluster.log(1).getParent() + ")");
        say("cluster formed: %d nodes registered, controller elected", cluster.size());
    }

    private Map<Integer, Long> leaders(ConclaveClient client) {
        Map<Integer, Long> out = new HashMap<>();
        try {
            TopicMetadata t = client.admin().describeTopic(TOPIC);
            for (PartitionMetadata p : t.getPartitionsList()) {
                out.put(p.getPartition(), p.getLeader());
            }
        } catch (RuntimeException e) {
            for (int p = 0; p < partitions; p++) {
                out.put(p, 0L);
            }
        }
        return out;
    }

    private Summary produceKillVerify(ConclaveClient client, long t0) {
        Map<String, ConsumerRecord> consumed = new HashMap<>();
        AtomicLong duplicates = new AtomicLong();
        AtomicBoolean stopConsumer = new AtomicBoolean();
        Thread consumer = new Thread(() -> consume(client, consumed, duplicates, stopConsumer), "demo-consumer");
        consumer.setDaemon(true);
        consumer.start();

        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(records);
        long[] latencies = new long[records];
        long killed = 0;
        long failoverMs = -1;
        // A bounded window of unacknowledged records, so that latency measures the cluster, not a client queue.
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(WINDOW_RECORDS);
        long start = System.nanoTime();
        byte[] pad = new byte[Math.max(0, valueBytes - 12)];
        java.util.Arrays.fill(pad, (byte) '.');
        String padding = new String(pad, StandardCharsets.US_ASCII);
        try (Producer producer = client.producer(ProducerConfig.defaults().withLingerMs(5)
                .withConsistency(ConsistencyLevel.STRONG))) {
            for (int i = 0; i < records; i++) {
                if (i == records * 3 / 10) {
                    long[] leader = {0};
                    await(Duration.ofSeconds(30), () -> (leader[0] = leaders(client).getOrDefault(0, 0L)) != 0,
                            "partition 0 to have a known leader");
                    killed = leader[0];
                    failoverMs = killAndTime(client, killed);
                }
                if (i == records * 7 / 10 && killed != 0) {
                    say("restarting node %d on its data directory ...", killed);
                    cluster.start(killed);
                }
                if (i > 0 && i % Math.max(1, records / 10) == 0) {
                    say("produced %,d of %,d records", i, records);
                }
                int idx = i;
                window.acquireUninterruptibly();
                long sent = System.nanoTime();
                String value = "r" + i + padding;
                acks.add(producer.send(TOPIC, ("k" + (i % 1000)).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)).whenComplete((m, e) -> {
                            latencies[idx] = System.nanoTime() - sent;
                            window.release();
                        }));
            }
            producer.flush();
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null).join();
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, RecordMetadata> acked = new HashMap<>();
        long failed = 0;
        Throwable firstFailure = null;
        for (int i = 0; i < acks.size(); i++) {
            CompletableFuture<RecordMetadata> a = acks.get(i);
            if (a.isCompletedExceptionally()) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = a.handle((m, e) -> e).join();
                }
            } else {
                acked.put("r" + i, a.join());
            }
        }
        say("%,d records acknowledged (%,d failed) in %.1f s; waiting for the consumer ...", acked.size(), failed,
                produceSeconds);
        if (firstFailure != null) {
            say("the first failed record's error: %s", firstFailure);
        }
        await(Duration.ofSeconds(120), () -> {
            synchronized (consumed) {
                return consumed.keySet().containsAll(acked.keySet());
            }
        }, "the consumer to read every acknowledged record");
        stopConsumer.set(true);
        join(consumer);

        long lost = 0;
        long misplaced = 0;
        synchronized (consumed) {
            for (Map.Entry<String, RecordMetadata> e : acked.entrySet()) {
                ConsumerRecord r = consumed.get(e.getKey());
                if (r == null) {
                    lost++;
                } else if (r.partition() != e.getValue().partition() || r.offset() != e.getValue().offset()) {
                    misplaced++;
                }
            }
        }
        if (killed != 0 && !cluster.isRunning(killed)) {
            cluster.start(killed);
        }
        boolean identical = replicasIdentical(client);
        Percentiles p = new Percentiles(latencies, records);
        Summary s = new Summary(acked.size(), failed, consumed.size(), lost, duplicates.get(), misplaced, identical,
                failoverMs, killed, acked.size() / Math.max(1e-9, produceSeconds), p.ms(0.50), p.ms(0.99),
                (System.nanoTime() - t0) / 1e9);
        say("verification: lost %d, duplicated %d, misplaced %d, replicas identical: %s", lost, duplicates.get(),
                misplaced, identical);
        return s;
    }

    private long killAndTime(ConclaveClient client, long victim) {
        Map<Integer, Long> before = leaders(client);
        Set<Integer> affected = new HashSet<>();
        before.forEach((p, l) -> {
            if (l == victim) {
                affected.add(p);
            }
        });
        say("killing node %d (leader of %d partitions) with SIGKILL ...", victim, affected.size());
        long killedAt = System.nanoTime();
        cluster.kill(victim);
        await(Duration.ofSeconds(30), () -> {
            Map<Integer, Long> now = leaders(client);
            return affected.stream().allMatch(p -> now.getOrDefault(p, 0L) != 0 && now.get(p) != victim);
        }, "new leaders for the partitions node " + victim + " led");
        long ms = (System.nanoTime() - killedAt) / 1_000_000;
        say("failover: every partition node %d led has a new leader after %d ms (as seen by the client)", victim, ms);
        return ms;
    }

    private void consume(ConclaveClient client, Map<String, ConsumerRecord> consumed, AtomicLong duplicates,
                         AtomicBoolean stop) {
        try (Consumer c = client.consumer(ConsumerConfig.defaults().withConsistency(ConsistencyLevel.STRONG))) {
            int[] ps = new int[partitions];
            for (int i = 0; i < partitions; i++) {
                ps[i] = i;
            }
            c.assign(TOPIC, ps);
            while (!stop.get()) {
                List<ConsumerRecord> got;
                try {
                    got = c.poll(Duration.ofMillis(200));
                } catch (RuntimeException transientError) {
                    continue;
                }
                synchronized (consumed) {
                    for (ConsumerRecord r : got) {
                        String v = new String(r.value(), StandardCharsets.UTF_8);
                        int cut = v.indexOf('.');
                        String id = cut < 0 ? v : v.substring(0, cut);
                        if (consumed.putIfAbsent(id, r) != null) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            }
        }
    }

    private boolean replicasIdentical(ConclaveClient client) {
        say("comparing the replicas of every partition on every node ...");
        try {
            await(Duration.ofSeconds(90), () -> {
                try {
                    for (int p = 0; p < partitions; p++) {
                        Set<Long> digests = new HashSet<>();
                        Set<Long> sizes = new HashSet<>();
                        for (long n = 1; n <= cluster.size(); n++) {
                            var d = client.admin().replicaDigest(TOPIC, p, n);
                            digests.add(d.getDigest());
                            sizes.add(d.getNextOffset());
                        }
                        if (digests.size() != 1 || sizes.size() != 1) {
                            return false;
                        }
                    }
                    return true;
                } catch (RuntimeException notYet) {
                    return false;
                }
            }, "identical replicas");
            return true;
        } catch (IllegalStateException timedOut) {
            return false;
        }
    }

    private static void await(Duration bound, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + bound.toSeconds() + " s waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
