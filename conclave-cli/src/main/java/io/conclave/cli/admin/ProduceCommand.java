package io.conclave.cli.admin;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.cli.Json;
import io.conclave.cli.Main;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Producer;
import io.conclave.client.ProducerConfig;
import io.conclave.client.RecordMetadata;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conclave produce}: records from stdin lines, or generated ones, with latency percentiles. */
@Command(name = "produce", mixinStandardHelpOptions = true, description = {
        "Produces records to a topic: one per stdin line, or --count generated records of --size bytes.",
        "Prints how many were acknowledged, the throughput and the latency percentiles (send to ack)."})
public final class ProduceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", description = "topic")
    String topic;

    @Option(names = {"-n", "--count"}, description = "generate this many records instead of reading stdin")
    Integer count;

    @Option(names = {"-s", "--size"}, description = "bytes per generated record (default: ${DEFAULT-VALUE})",
            defaultValue = "1024")
    int size;

    @Option(names = {"-k", "--key"}, description = "key of every record (default: none, spread over partitions)")
    String key;

    @Option(names = "--partition", description = "write to this partition only")
    Integer partition;

    @Option(names = "--consistency", description = "EVENTUAL, STRONG or LINEARIZABLE (default: ${DEFAULT-VALUE})",
            defaultValue = "STRONG")
    ConsistencyLevel consistency;

    @Option(names = "--linger-ms", description = "batching delay (default: ${DEFAULT-VALUE})", defaultValue = "5")
    int lingerMs;

    @Override
    public Integer call() throws Exception {
        if (consistency == ConsistencyLevel.CONSISTENCY_UNSPECIFIED || consistency == ConsistencyLevel.UNRECOGNIZED) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--consistency must be EVENTUAL, STRONG or LINEARIZABLE");
        }
        if (count != null && count < 0 || size < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count and --size must be >= 0");
        }
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        long[] latencies = new long[count != null ? count : 1 << 16];
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        try (ConclaveClient c = client.connect();
             Producer producer = c.producer(ProducerConfig.defaults().withLingerMs(lingerMs).withConsistency(consistency))) {
            if (count != null) {
                byte[] value = new byte[size];
                Arrays.fill(value, (byte) 'x');
                for (int i = 0; i < count; i++) {
                    acks.add(send(producer, keyBytes, value, latencies, i));
                }
            } else {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                int i = 0;
                while ((line = in.readLine()) != null) {
                    if (i == latencies.length) {
                        latencies = Arrays.copyOf(latencies, latencies.length * 2);
                    }
                    acks.add(send(producer, keyBytes, line.getBytes(StandardCharsets.UTF_8), latencies, i++));
                }
            }
            producer.flush();
        }
        long elapsedNs = System.nanoTime() - start;
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null).join();
        int failed = 0;
        String firstError = null;
        for (CompletableFuture<RecordMetadata> a : acks) {
            if (a.isCompletedExceptionally()) {
                failed++;
                if (firstError == null) {
                    firstError = a.handle((v, e) -> String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e))
                            .join();
                }
            }
        }
        int acked = acks.size() - failed;
        Percentiles p = new Percentiles(latencies, acks.size());
        double perSec = acked / Math.max(1e-9, elapsedNs / 1e9);
        if (client.json()) {
            Main.out().println(Json.of(Json.map("topic", topic, "sent", acks.size(), "acknowledged", acked, "failed", failed,
                    "consistency", consistency.name(), "throughputPerSec", Math.round(perSec),
                    "latencyP50Ms", p.ms(0.50), "latencyP99Ms", p.ms(0.99), "latencyMaxMs", p.ms(1.0),
                    "firstError", firstError)));
        } else {
            Main.out().printf("%d of %d records acknowledged (%s) in %.2f s: %.0f records/s; latency p50 %.2f ms, "
                            + "p99 %.2f ms, max %.2f ms%n", acked, acks.size(), consistency, elapsedNs / 1e9, perSec,
                    p.ms(0.50), p.ms(0.99), p.ms(1.0));
            if (firstError != null) {
                Main.out().println("first error: " + firstError);
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private CompletableFuture<RecordMetadata> send(Producer producer, byte[] key, byte[] value, long[] latencies, int i) {
        long t0 = System.nanoTime();
        CompletableFuture<RecordMetadata> f = partition == null ? producer.send(topic, key, value)
                : producer.send(topic, partition, key, value, List.of());
        return f.whenComplete((m, e) -> latencies[i] = System.nanoTime() - t0);
    }
}
