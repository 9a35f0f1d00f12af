package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.transport.TransportConfig;
import io.conclave.transport.fault.FaultInjector;
import io.conclave.transport.grpc.GrpcTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover benchmark (not part of the default run): three runtimes on 127.0.0.1 over real gRPC, real
 * disks, production defaults (10 ms ticks, 300 ms election timeout, 10 ms liveness pings); the node
 * leading group 1 is closed abruptly (transport first, as a crash closes its sockets), and the time
 * from the kill until every group it led has a leader among the survivors is recorded, per group and
 * per trial. Run with
 * {@code mvn -pl conclave-multiraft -am test -Dtest=FailoverBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dconclave.bench.failover=10}.
 */
class FailoverBenchmark {

    private static final int GROUPS = 100;

    @Test
    void killTheLeaderNodeAndTimeEveryAffectedGroupsNewLeader(@TempDir Path dir) {
        int trials = Integer.getInteger("conclave.bench.failover", 0);
        Assumptions.assumeTrue(trials > 0, "failover benchmark: set -Dconclave.bench.failover=TRIALS to run it");
        List<Double> trialMs = new ArrayList<>();
        List<Double> groupMs = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            double[] worst = {0};
            runTrial(dir.resolve("t" + t), groupMs, worst);
            trialMs.add(worst[0]);
            System.out.printf("trial %d: every affected group led again after %.1f ms%n", t + 1, worst[0]);
        }
        System.out.printf("FAILOVER trials=%d groups=%d per-trial(all groups moved) p50=%.1f ms p99=%.1f ms max=%.1f ms;"
                        + " per-group p50=%.1f ms p99=%.1f ms (n=%d)%n", trials, GROUPS, pct(trialMs, 50),
                pct(trialMs, 99), pct(trialMs, 100), pct(groupMs, 50), pct(groupMs, 99), groupMs.size());
        assertThat(trialMs).hasSize(trials);
    }

    private static void runTrial(Path dir, List<Double> groupMs, double[] worst) {
        FaultInjector faults = new FaultInjector(1);
        TestCluster cluster = new TestCluster(dir, id -> RuntimeConfig.defaults(),
                (id, incarnation) -> GrpcTransport.start(id, incarnation, TransportConfig.defaults("127.0.0.1", 0),
                        faults));
        try {
            for (long id = 1; id <= 3; id++) {
                cluster.start(id);
            }
            for (long a = 1; a <= 3; a++) {
                GrpcTransport ta = (GrpcTransport) cluster.node(a).transport();
                for (long b = 1; b <= 3; b++) {
                    if (a != b) {
                        ta.addPeer(b, "127.0.0.1", ((GrpcTransport) cluster.node(b).transport()).port());
                    }
                }
            }
            List<Long> gids = LongStream.rangeClosed(1, GROUPS).boxed().collect(Collectors.toList());
            gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
            cluster.awaitLeaders(gids, Duration.ofSeconds(60));
            gids.forEach(g -> cluster.propose(g, "v" + g, Duration.ofSeconds(10)));
            long victim = cluster.leaderOf(1);
            List<Long> affected = gids.stream().filter(g -> cluster.leaderOf(g) == victim).collect(Collectors.toList());
            Set<Long> survivors = LongStream.rangeClosed(1, 3).filter(n -> n != victim).boxed()
                    .collect(Collectors.toSet());
            Map<Long, Double> movedMs = new HashMap<>();
            long t0 = System.nanoTime();
            cluster.stop(victim);
            Await.until(Duration.ofSeconds(30), () -> {
                for (long g : affected) {
                    if (!movedMs.containsKey(g) && cluster.leaderOf(g, survivors) != 0) {
                        movedMs.put(g, (System.nanoTime() - t0) / 1e6);
                    }
                }
                return movedMs.size() == affected.size();
            }, () -> (affected.size() - movedMs.size()) + " groups still without a leader");
            groupMs.addAll(movedMs.values());
            worst[0] = movedMs.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        } finally {
            cluster.close();
        }
    }

    private static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }
}
