package io.conclave.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Client-side ceilings against the in-memory fake cluster on loopback (no replication, no disk): how
 * fast one producer can push 1 KiB records, and the round trip of one synchronous send. Not part of
 * the default run (the name does not match surefire's includes); run it with
 * {@code mvn -B -ntp -o -pl conclave-client -am verify -Dtest=ProducerThroughputBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ProducerThroughputBench {

    private static final int VALUE_BYTES = 1024;

    @Test
    void throughputAndLatencyCeilings() throws Exception {
        try (FakeCluster cluster = FakeCluster.start(3)) {
            cluster.createTopic("one", 1, 3);
            cluster.createTopic("three", 3, 3);
            try (ConclaveClient client = ConclaveClient.connect(cluster.clientConfig())) {
                throughput(client, "one", ProducerConfig.defaults(), 20_000);
                report("1 partition, defaults (linger 5 ms, 256 KiB batches, idempotent)",
                        throughput(client, "one", ProducerConfig.defaults(), 200_000));
                report("3 partitions, defaults", throughput(client, "three", ProducerConfig.defaults(), 200_000));
                report("1 partition, 1 MiB batches", throughput(client, "one",
                        ProducerConfig.defaults().withBatchLimits(1 << 20, 4_000), 200_000));
                report("1 partition, not idempotent (5 batches in flight)", throughput(client, "one",
                        ProducerConfig.defaults().withIdempotent(false), 200_000));
                report("1 partition, gzip", throughput(client, "one",
                        ProducerConfig.defaults().withCompression(ProducerConfig.Compression.GZIP), 100_000));
                latency(client, 1_000);
                latency(client, 5_000);
            }
        }
    }

    private static double[] throughput(ConclaveClient client, String topic, ProducerConfig config, int records)
            throws Exception {
        Random random = new Random(1);
        byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + random.nextInt(26)); // text-like: gzip has something to do
        }
        try (Producer p = client.producer(config)) {
            long t0 = System.nanoTime();
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                sent.add(p.send(topic, null, value));
            }
            long sendNs = System.nanoTime() - t0;
            p.flush();
            long elapsedNs = System.nanoTime() - t0;
            System.out.printf("BENCH   (send loop %.0f ms of %.0f ms)%n", sendNs / 1e6, elapsedNs / 1e6);
            for (CompletableFuture<RecordMetadata> f : sent) {
                assertThat(f).isCompleted();
                f.get(1, TimeUnit.SECONDS);
            }
            double perSecond = records / (elapsedNs / 1e9);
            return new double[] {perSecond, perSecond * VALUE_BYTES / 1e6};
        }
    }

    private static void latency(ConclaveClient client, int ops) throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        long[] ns = new long[ops];
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            for (int i = 0; i < ops; i++) {
                long t0 = System.nanoTime();
                p.send("one", null, value).get(10, TimeUnit.SECONDS);
                ns[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(ns);
        System.out.printf("BENCH sync send 1 KiB, %d ops: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", ops,
                ns[ops / 2] / 1e6, ns[(int) (ops * 0.99)] / 1e6, ns[ops - 1] / 1e6);
    }

    private static void report(String what, double[] r) {
        System.out.printf("BENCH %s: %.0f msgs/s (%.1f MB/s)%n", what, r[0], r[1]);
    }
}
