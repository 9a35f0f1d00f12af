package io.conclave.cli.bench;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.cli.Json;
import io.conclave.cli.Main;
import io.conclave.cli.admin.Percentiles;
import io.conclave.cli.demo.LocalProcesses;
import io.conclave.client.ClientConfig;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Producer;
import io.conclave.client.ProducerConfig;
import io.conclave.client.RecordMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave bench}: the client-level benchmarks of the data plane, on a local 3-process
 * cluster it starts (or an existing one with {@code --bootstrap}), RF 3, 1 KiB records: synchronous
 * STRONG latency (one record in flight), then batched throughput at STRONG and EVENTUAL.
 * The engine-room benchmarks (Raft core, storage, runtime) are JMH and mains in conclave-bench;
 * docs/BENCHMARKS.md lists their commands.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {
        "Benchmarks produce through the client library on 3 local nodes (separate JVMs), RF 3, 1 KiB records:",
        "synchronous STRONG latency p50/p99, then batched throughput at STRONG and at EVENTUAL.",
        "Prints the figures and writes them as JSON (--out). Engine benchmarks: see docs/BENCHMARKS.md."})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--bootstrap"}, split = ",", description = "use this running cluster instead of starting one")
    List<String> bootstrap;

    @Option(names = "--latency-records", description = "sequential STRONG writes (default: ${DEFAULT-VALUE})",
            defaultValue = "5000")
    int latencyRecords;

    @Option(names = "--throughput-records", description = "records per throughput run (default: ${DEFAULT-VALUE})",
            defaultValue = "200000")
    int throughputRecords;

    @Option(names = "--size", description = "record bytes (default: ${DEFAULT-VALUE})", defaultValue = "1024")
    int size;

    @Option(names = "--partitions", description = "partitions of the bench topic (default: ${DEFAULT-VALUE})",
            defaultValue = "1")
    int partitions;

    @Option(names = "--out", description = "write the figures as JSON to this file")
    Path out;

    @Option(names = "--json", description = "print the figures as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (latencyRecords < 1 || throughputRecords < 1 || size < 1 || partitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "counts, --size and --partitions must be >= 1");
        }
        Path root = null;
        LocalProcesses cluster = null;
        List<String> addresses = bootstrap;
        if (addresses == null || addresses.isEmpty()) {
            root = Files.createTempDirectory("conclave-bench-");
            cluster = new LocalProcesses(root, 3, List.of("-Xmx1g", "-XX:+UseParallelGC"));
            for (long id = 1; id <= 3; id++) {
                cluster.start(id);
            }
            addresses = cluster.clientAddresses();
        }
        try (ConclaveClient client = ConclaveClient.connect(ClientConfig.of(addresses).withRetriesMax(60))) {
            String topic = "bench-" + Long.toHexString(System.nanoTime());
            createTopic(client, topic);
            byte[] value = new byte[size];
            warmUp(client, topic, value);
            Map<String, Object> latency = latency(client, topic, value);
            Map<String, Object> strong = throughput(client, topic, value, ConsistencyLevel.STRONG);
            Map<String, Object> eventual = throughput(client, topic, value, ConsistencyLevel.EVENTUAL);
            Map<String, Object> all = Json.map("date", Instant.now().toString(), "cores",
                    Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                    "recordBytes", size, "partitions", partitions, "replicationFactor", 3,
                    "strongLatency", latency, "strongThroughput", strong, "eventualThroughput", eventual);
            if (out != null) {
                Files.writeString(out, Json.of(all) + "\n");
            }
            if (json) {
                Main.out().println(Json.of(all));
            } else {
                Main.out().printf("STRONG latency (1 in flight, %d B): p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d writes%n",
                        size, latency.get("p50Ms"), latency.get("p99Ms"), latency.get("maxMs"), latencyRecords);
                Main.out().printf("STRONG throughput:   %,d records/s, %.1f MB/s (%d failed)%n", strong.get("recordsPerSec"),
                        strong.get("mbPerSec"), strong.get("failed"));
                Main.out().printf("EVENTUAL throughput: %,d records/s, %.1f MB/s (%d failed)%n",
                        eventual.get("recordsPerSec"), eventual.get("mbPerSec"), eventual.get("failed"));
            }
            return 0;
        } finally {
            if (cluster != null) {
                cluster.close();
                LocalProcesses.deleteTree(root);
            }
        }
    }

    private void createTopic(ConclaveClient client, String topic) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            try {
                client.admin().createTopic(topic, partitions, 3, Map.of());
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        }
    }

    private void warmUp(ConclaveClient client, String topic, byte[] value) {
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            for (int i = 0; i < 2_000; i++) {
                p.send(topic, null, value).join();
            }
        }
    }

    private Map<String, Object> latency(ConclaveClient client, String topic, byte[] value) {
        long[] ns = new long[latencyRecords];
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0)
                .withConsistency(ConsistencyLevel.STRONG))) {
            for (int i = 0; i < latencyRecords; i++) {
                long t0 = System.nanoTime();
                p.send(topic, null, value).join();
                ns[i] = System.nanoTime() - t0;
            }
        }
        Percentiles pc = new Percentiles(ns, ns.length);
        return Json.map("records", latencyRecords, "p50Ms", pc.ms(0.50), "p99Ms", pc.ms(0.99), "maxMs", pc.ms(1.0));
    }

    private Map<String, Object> throughput(ConclaveClient client, String topic, byte[] value, ConsistencyLevel level) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(throughputRecords);
        long t0 = System.nanoTime();
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(5).withConsistency(level))) {
            for (int i = 0; i < throughputRecords; i++) {
                acks.add(p.send(topic, null, value));
            }
            p.flush();
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null).join();
        double s = (System.nanoTime() - t0) / 1e9;
        long failed = acks.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        long acked = throughputRecords - failed;
        long perSec = Math.round(acked / s);
        return Json.map("records", throughputRecords, "acknowledged", acked, "failed", failed, "seconds", s,
                "recordsPerSec", perSec, "mbPerSec", acked * (double) value.length / s / 1e6, "consistency", level.name());
    }
}
