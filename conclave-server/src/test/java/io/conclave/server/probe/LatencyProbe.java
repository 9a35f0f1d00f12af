package io.conclave.server.probe;

import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.server.support.LocalCluster;
import io.conclave.server.support.RawClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/** A quick in-JVM latency probe (not a test): java -cp ... LatencyProbe [count]. */
public final class LatencyProbe {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path dir = Files.createTempDirectory("probe");
        try (LocalCluster c = new LocalCluster(dir, 3)) {
            for (long id = 1; id <= 3; id++) {
                c.start(id);
            }
            c.awaitReady(Duration.ofSeconds(60));
            RawClient client = new RawClient(c);
            client.createTopic("lat", 1, 3);
            client.produce("lat", 0, ConsistencyLevel.STRONG, 0, 0, "warm-up");
            long leader = client.leaderOf("lat", 0);
            byte[] kb = new byte[1024];
            ProduceRequest.Builder b = ProduceRequest.newBuilder().setTopic("lat").setPartition(0)
                    .setConsistency(ConsistencyLevel.STRONG).addRecords(io.conclave.api.proto.Record.newBuilder()
                            .setValue(com.google.protobuf.ByteString.copyFrom(kb)));
            long[] lat = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                c.call(leader, ConclaveGrpc.PRODUCE, b.build());
                lat[i] = System.nanoTime() - t0;
            }
            Arrays.sort(lat);
            System.out.printf("STRONG 1KiB sequential: p50 %.2f ms p99 %.2f ms max %.2f ms%n", lat[n / 2] / 1e6,
                    lat[(int) (n * 0.99)] / 1e6, lat[n - 1] / 1e6);
        }
    }
}
