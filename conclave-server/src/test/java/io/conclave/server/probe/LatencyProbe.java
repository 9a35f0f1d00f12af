package io.conclave.server.probe;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.client.ClientConfig;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Producer;
import io.conclave.client.ProducerConfig;
import io.conclave.server.support.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/** A quick in-JVM latency probe (not a test): sequential sends, linger 0, alternating consistency levels. */
public final class LatencyProbe {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path dir = Files.createTempDirectory("probe");
        try (LocalCluster c = new LocalCluster(dir, 3)) {
            for (long id = 1; id <= 3; id++) {
                c.start(id);
            }
            c.awaitReady(Duration.ofSeconds(60));
            try (ConclaveClient client = ConclaveClient.connect(ClientConfig.of(c.clientAddress(1)))) {
                client.admin().createTopic("tp", 1, 3, Map.of());
                byte[] v = new byte[1024];
                for (int round = 0; round < 4; round++) {
                    for (ConsistencyLevel level : new ConsistencyLevel[] {ConsistencyLevel.STRONG, ConsistencyLevel.EVENTUAL}) {
                        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0).withConsistency(level))) {
                            long[] lat = new long[n];
                            for (int i = 0; i < n; i++) {
                                long t0 = System.nanoTime();
                                p.send("tp", null, v).get();
                                lat[i] = System.nanoTime() - t0;
                            }
                            Arrays.sort(lat);
                            System.out.printf("round %d %s: p50 %.3f ms p90 %.3f p99 %.3f%n", round, level,
                                    lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6, lat[n * 99 / 100] / 1e6);
                        }
                    }
                }
            }
        }
    }
}
