package io.conclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.cli.demo.LocalProcesses;
import io.conclave.client.ClientConfig;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Consumer;
import io.conclave.client.ConsumerConfig;
import io.conclave.client.ConsumerRecord;
import io.conclave.client.Producer;
import io.conclave.client.ProducerConfig;
import io.conclave.client.RecordMetadata;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real node processes ({@code conclave node start} JVMs on 127.0.0.1), started once and shared
 * by the tests that need them (each awaits every node ready first):
 * <ul>
 *   <li>a planned rolling restart under a retrying producer: a topic of 3 partitions at RF 3, a STRONG
 *   idempotent producer writing all along; each node in turn gets SIGTERM (it hands its leaderships
 *   off, then stops), must exit within a bound, is started again on its data directory and ports and
 *   awaited ready. Afterwards no send may have failed, and a consumer reading every partition from
 *   offset 0 must see every acknowledged record exactly once, at the offset its acknowledgement named;</li>
 *   <li>{@code bench --suite data --bootstrap ...} at a tiny size against them (the suite's own
 *   cluster start is LocalProcesses, which DemoTest covers).</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeProcessesTest {

    private static final String TOPIC = "rolling";
    private static final int PARTITIONS = 3;
    /** Bound on the records the producer writes, whatever happens. */
    private static final int RECORDS_MAX = 200_000;
    private static final int IN_FLIGHT_MAX = 200;
    private static final Pattern HANDED_OFF = Pattern.compile("node (\\d+) handed off (\\d+) of (\\d+) leaderships");

    private Path root;
    private LocalProcesses cluster;

    @BeforeAll
    void startThreeNodes() throws Exception {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp != null) {
            System.setProperty("conclave.child.classpath", cp);
        }
        root = Files.createTempDirectory("conclave-node-processes-");
        // C1 only: a node JVM starts in a fraction of the CPU on a shared 2-core machine; nothing here is timed.
        cluster = new LocalProcesses(root, 3, List.of("-Xmx512m", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1"),
                "INFO");
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
    }

    @AfterAll
    void stopThem() {
        cluster.close();
        LocalProcesses.deleteTree(root);
    }

    private void awaitEveryNodeReady() {
        for (long id = 1; id <= 3; id++) {
            long node = id;
            await(Duration.ofSeconds(120), () -> cluster.isReady(node), "node " + id + " ready", cluster);
        }
    }

    @Test
    void theBenchDataSuiteMeasuresARunningClusterAndWritesItsFigures(@TempDir Path dir) throws Exception {
        awaitEveryNodeReady();
        Path file = dir.resolve("data.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--bootstrap", String.join(",", cluster.clientAddresses()),
            "--latency-records", "50", "--latency-warmup-records", "20", "--throughput-seconds", "2",
            "--throughput-warmup-seconds", "1", "--out", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stdout + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(stdout).contains("data plane", "produceLatencyP50", "records/s");
        JsonNode doc = new ObjectMapper().readTree(Files.readString(file));
        assertThat(doc.get("suites").toString()).isEqualTo("[\"data\"]");
        assertThat(doc.get("errors")).isEmpty();
        assertThat(doc.get("machine").get("cores").asInt()).isPositive();
        BenchCommandTest.assertEveryFigureComplete(doc);
        BenchCommandTest.assertOrdered(doc, "data", "produceLatencyP50", "produceLatencyP99", "produceLatencyMax");
        assertThat(BenchCommandTest.values(doc, "data", "acknowledged")).hasSize(2).allMatch(v -> v > 0);
        assertThat(BenchCommandTest.values(doc, "data", "failed")).containsExactly(0.0, 0.0);
        assertThat(BenchCommandTest.values(doc, "data", "throughput")).hasSize(2).allMatch(v -> v > 0);
        assertThat(BenchCommandTest.values(doc, "data", "ackWaitMax")).hasSize(2).allMatch(v -> v > 0);
        assertThat(BenchCommandTest.figures(doc, "data", "produceLatencyP50").get(0).get("parameters")
                .get("records").asInt()).isEqualTo(50);
        assertThat(BenchCommandTest.figures(doc, "data", "produceLatencyP50").get(0).get("parameters")
                .get("warmupRecords").asInt()).isEqualTo(20);
    }

    @Test
    void aRollingRestartOfEveryNodeUnderARetryingProducerLosesAndFailsNothing() throws Exception {
        awaitEveryNodeReady();
        try (ConclaveClient client = ConclaveClient.connect(ClientConfig.of(cluster.clientAddresses())
                .withRequestTimeoutMs(5_000).withRetriesMax(30))) {
            client.admin().createTopic(TOPIC, PARTITIONS, 3, Map.of());
            await(Duration.ofSeconds(60), () -> leaders(client).values().stream().allMatch(l -> l != 0),
                    "a leader for every partition", cluster);
            Writer writer = new Writer(client);
            Thread producing = new Thread(writer, "rolling-producer");
            producing.start();
            try {
                await(Duration.ofSeconds(60), () -> writer.acknowledged.get() >= 300, "first acknowledgements",
                        cluster);
                for (long id = 1; id <= 3; id++) {
                    restart(cluster, client, writer, id);
                }
            } finally {
                writer.stop.set(true);
                producing.join(TimeUnit.SECONDS.toMillis(180));
            }
            assertThat(producing.isAlive()).as("the producer finished within its bound").isFalse();
            assertThat(writer.failures).as("failed sends (first few)").isEmpty();
            assertThat(writer.acks).hasSize(writer.sent).allMatch(CompletableFuture::isDone);
            verifyEveryAcknowledgedRecordOnce(client, writer.acks, cluster);
        }
    }

    /** SIGTERM to {@code id}, a bounded wait for its exit, a restart on the same directory, ready again. */
    private static void restart(LocalProcesses cluster, ConclaveClient client, Writer writer, long id) throws Exception {
        boolean ledSomething = leaders(client).containsValue(id);
        long handOffsBefore = handOffLines(cluster, id).size();
        long t0 = System.nanoTime();
        LocalProcesses.Stopped stopped = cluster.terminate(id, 60);
        long exitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(stopped.exited()).as("node %d exited within 60 s of SIGTERM; log:%n%s", id, cluster.tail(id, 30))
                .isTrue();
        // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks (the node's close) and exited on the signal.
        assertThat(stopped.exitCode()).as("exit code of node %d", id).isIn(0, 143);
        List<int[]> handOffs = handOffLines(cluster, id);
        System.out.printf("node %d: led a partition: %s, exited %d ms after SIGTERM with code %d, hand-offs logged: %s,"
                + " acknowledged so far %d%n", id, ledSomething, exitedMs, stopped.exitCode(),
                handOffs.stream().map(h -> h[0] + " of " + h[1]).toList(), writer.acknowledged.get());
        if (ledSomething) {
            assertThat(handOffs).as("node %d logged its leadership hand-off before stopping", id)
                    .hasSizeGreaterThan((int) handOffsBefore);
            int[] last = handOffs.get(handOffs.size() - 1);
            assertThat(last[0]).as("leaderships node %d handed off before stopping, of %d it held", id, last[1])
                    .isPositive().isEqualTo(last[1]);
        }
        long ackedAtStop = writer.acknowledged.get();
        long t1 = System.nanoTime();
        cluster.start(id);
        await(Duration.ofSeconds(120), () -> cluster.isReady(id), "node " + id + " ready after its restart", cluster);
        System.out.printf("node %d: ready %d ms after its restart%n", id, (System.nanoTime() - t1) / 1_000_000);
        await(Duration.ofSeconds(120), () -> writer.acknowledged.get() >= ackedAtStop + 300,
                "the producer to go on after node " + id + " restarted", cluster);
        await(Duration.ofSeconds(60), () -> leaders(client).values().stream().allMatch(l -> l != 0),
                "a leader for every partition after node " + id + " restarted", cluster);
    }

    /** The "handed off N of M" lines of a node's log so far, as {N, M}. */
    private static List<int[]> handOffLines(LocalProcesses cluster, long id) throws Exception {
        List<int[]> out = new ArrayList<>();
        if (!Files.exists(cluster.log(id))) {
            return out;
        }
        for (String line : Files.readAllLines(cluster.log(id))) {
            Matcher m = HANDED_OFF.matcher(line);
            if (m.find() && Long.parseLong(m.group(1)) == id) {
                out.add(new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
            }
        }
        return out;
    }

    private static void verifyEveryAcknowledgedRecordOnce(ConclaveClient client,
                                                          List<CompletableFuture<RecordMetadata>> acks,
                                                          LocalProcesses cluster) {
        Map<String, RecordMetadata> acked = new HashMap<>();
        for (int i = 0; i < acks.size(); i++) {
            acked.put("r" + i, acks.get(i).join());
        }
        DeliveryCheck check = new DeliveryCheck(acked);
        try (Consumer consumer = client.consumer(ConsumerConfig.defaults().withConsistency(ConsistencyLevel.STRONG))) {
            consumer.assign(TOPIC, 0, 1, 2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            boolean drained = false;
            while (!drained && System.nanoTime() < deadline) {
                List<ConsumerRecord> got = consumer.poll(Duration.ofMillis(500));
                got.forEach(check::read);
                drained = got.isEmpty() && check.distinctRead() >= acked.size();
            }
        }
        assertThat(check.problems()).as("lost, duplicated, misplaced or unacknowledged records (logs under %s)",
                cluster.log(1).getParent()).isEmpty();
        assertThat(check.distinctRead()).as("records read").isEqualTo(acked.size());
    }

    private static Map<Integer, Long> leaders(ConclaveClient client) {
        Map<Integer, Long> out = new HashMap<>();
        try {
            for (PartitionMetadata p : client.admin().describeTopic(TOPIC).getPartitionsList()) {
                out.put(p.getPartition(), p.getLeader());
            }
        } catch (RuntimeException notYet) {
            for (int p = 0; p < PARTITIONS; p++) {
                out.put(p, 0L);
            }
        }
        return out;
    }

    private static void await(Duration bound, BooleanSupplier condition, String what, LocalProcesses cluster) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (long id = 1; id <= cluster.size(); id++) {
                    logs.append("\n--- node ").append(id).append(":\n").append(cluster.tail(id, 15));
                }
                throw new AssertionError("timed out after " + bound.toSeconds() + " s waiting for " + what + logs);
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    /**
     * The producer: record {@code i} has value {@code "r<i>"} and key {@code "k<i>"}, at most
     * {@link #IN_FLIGHT_MAX} unacknowledged and about 2,000 per second, until told to stop or
     * {@link #RECORDS_MAX} are sent; then it flushes and waits for every acknowledgement.
     */
    private static final class Writer implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong acknowledged = new AtomicLong();
        final List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        volatile int sent;
        private final ConclaveClient client;

        Writer(ConclaveClient client) {
            this.client = client;
        }

        @Override
        public void run() {
            Semaphore window = new Semaphore(IN_FLIGHT_MAX);
            try (Producer producer = client.producer(ProducerConfig.defaults().withLingerMs(2)
                    .withConsistency(ConsistencyLevel.STRONG).withRetries(1_000, 120_000))) {
                for (int i = 0; i < RECORDS_MAX && !stop.get(); i++) {
                    if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                        i--;
                        continue;
                    }
                    CompletableFuture<RecordMetadata> ack = producer.send(TOPIC, ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("r" + i).getBytes(StandardCharsets.UTF_8));
                    int n = i;
                    ack.whenComplete((m, e) -> {
                        window.release();
                        if (e == null) {
                            acknowledged.incrementAndGet();
                        } else if (failures.size() < 10) {
                            failures.add("r" + n + ": " + e);
                        }
                    });
                    synchronized (acks) {
                        acks.add(ack);
                    }
                    sent = i + 1;
                    LockSupport.parkNanos(500_000L);
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null)
                    .orTimeout(150, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
