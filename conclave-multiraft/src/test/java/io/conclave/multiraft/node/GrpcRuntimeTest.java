package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.support.LeaderLog;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.transport.TransportConfig;
import io.conclave.transport.fault.FaultInjector;
import io.conclave.transport.grpc.GrpcTransport;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime over the real gRPC transport on 127.0.0.1, with faults from a shared injector. */
class GrpcRuntimeTest {

    private final FaultInjector faults = new FaultInjector(7);
    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startGrpcCluster() {
        // SimDisk: the real disk is covered by the loopback tests
        cluster = new TestCluster(null, id -> TestCluster.fastConfig().build(),
                (id, incarnation) -> GrpcTransport.start(id, incarnation, TransportConfig.defaults("127.0.0.1", 0),
                        faults));
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
        Await.until(Duration.ofSeconds(20), () -> cluster.nodes().stream().allMatch(n ->
                n.transport().stats().peers().size() == 2 && n.transport().stats().unreachablePeers().isEmpty()),
                () -> "every node connected to its peers");
    }

    private static List<Long> groups(int n) {
        return LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList());
    }

    @Test
    void threeNodesOverGrpcElectLeadersAndReplicate() {
        startGrpcCluster();
        List<Long> gids = groups(30);
        gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
        cluster.awaitLeaders(gids, Duration.ofSeconds(30));
        gids.forEach(g -> cluster.propose(g, "v" + g, Duration.ofSeconds(10)));
        Await.until(Duration.ofSeconds(20), () -> gids.stream().allMatch(g ->
                LongStream.rangeClosed(1, 3).allMatch(n -> cluster.machine(n).values(g).equals(List.of("v" + g)))),
                () -> "every replica applied its group's value");
        assertThat(cluster.node(1).transport().stats().batchesSent()).isPositive();
    }

    @Test
    void partitionHealsWithOneLeaderPerTermAndNoCommittedEntryLost() {
        startGrpcCluster();
        List<Long> gids = groups(5);
        gids.forEach(g -> cluster.createGroup(g, Set.of(1L, 2L, 3L)));
        cluster.awaitLeaders(gids, Duration.ofSeconds(30));
        gids.forEach(g -> cluster.propose(g, "a" + g, Duration.ofSeconds(10)));
        LeaderLog leaders = new LeaderLog();
        leaders.sample(cluster.nodes(), gids);
        long isolated = cluster.leaderOf(gids.get(0));
        Set<Long> majority = LongStream.rangeClosed(1, 3).filter(n -> n != isolated).boxed().collect(Collectors.toSet());

        faults.partition(Set.of(isolated), majority);
        Await.until(Duration.ofSeconds(15), () -> {
            leaders.sample(cluster.nodes(), gids);
            return gids.stream().allMatch(g -> cluster.leaderOf(g, majority) != 0);
        }, () -> "the majority side elects a leader for every group");
        gids.forEach(g -> cluster.propose(g, "b" + g, Duration.ofSeconds(15), majority));

        faults.heal();
        Await.until(Duration.ofSeconds(20), () -> {
            leaders.sample(cluster.nodes(), gids);
            return gids.stream().allMatch(g -> LongStream.rangeClosed(1, 3).allMatch(n ->
                    cluster.machine(n).values(g).equals(List.of("a" + g, "b" + g))));
        }, () -> "every replica holds both committed writes after the heal");
        assertThat(leaders.samples()).isPositive();
        assertThat(leaders.violations()).isEmpty();
    }
}
