package io.conclave.server.probe;

import io.conclave.client.ClientConfig;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Producer;
import io.conclave.client.ProducerConfig;
import io.conclave.client.RecordMetadata;
import io.conclave.server.support.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A quick in-JVM throughput probe through the client library (not a test): ThroughputProbe [records] [bytes] [partitions]. */
public final class ThroughputProbe {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int parts = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path dir = Files.createTempDirectory("probe");
        try (LocalCluster c = new LocalCluster(dir, 3)) {
            for (long id = 1; id <= 3; id++) {
                c.start(id);
            }
            c.awaitReady(Duration.ofSeconds(60));
            try (ConclaveClient client = ConclaveClient.connect(ClientConfig.of(c.clientAddress(1)))) {
                client.admin().createTopic("tp", parts, 3, Map.of());
                byte[] v = new byte[size];
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicLong polled = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.atomic.AtomicLong consumed = new java.util.concurrent.atomic.AtomicLong();
                if (args.length > 3 && !args[3].equals("NONE")) {
                    io.conclave.api.proto.ConsistencyLevel level = io.conclave.api.proto.ConsistencyLevel.valueOf(args[3]);
                    Thread t = new Thread(() -> {
                        try (io.conclave.client.Consumer consumer = client.consumer(
                                io.conclave.client.ConsumerConfig.defaults().withConsistency(level))) {
                            int[] ps = new int[parts];
                            for (int i = 0; i < parts; i++) {
                                ps[i] = i;
                            }
                            consumer.assign("tp", ps);
                            while (!stop.get()) {
                                consumed.addAndGet(consumer.poll(Duration.ofMillis(200)).size());
                                polled.incrementAndGet();
                            }
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                }
                for (int round = 0; round < 3; round++) {
                    List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(n);
                    long t0 = System.nanoTime();
                    try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(5))) {
                        boolean keyed = args.length > 4;
                        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(keyed ? Integer.parseInt(args[4]) : Integer.MAX_VALUE);
                        for (int i = 0; i < n; i++) {
                            window.acquireUninterruptibly();
                            byte[] key = keyed ? ("k" + (i % 1000)).getBytes() : null;
                            acks.add(p.send("tp", key, v).whenComplete((m, e) -> window.release()));
                        }
                        p.flush();
                    }
                    CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).join();
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("round %d: %d records of %d B in %.2f s = %.0f records/s (polls %d, consumed %d)%n",
                            round, n, size, s, n / s, polled.get(), consumed.get());
                }
                stop.set(true);
            }
        }
    }
}
