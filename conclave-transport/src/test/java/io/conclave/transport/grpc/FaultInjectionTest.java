package io.conclave.transport.grpc;

import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.MessageType;
import io.conclave.transport.Envelope;
import io.conclave.transport.fault.FaultInjector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults on the real transport. A message that a fault should drop is followed, after healing, by
 * a marker on the same lane; lanes keep order, so once the marker is in, the dropped message would
 * have been in too — no waiting for something not to happen.
 */
class FaultInjectionTest {

    private TestCluster cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anIsolatedNodeNeitherSendsNorReceivesUntilHealed() {
        FaultInjector faults = new FaultInjector(1);
        cluster = new TestCluster(3, TestCluster.testConfig(), faults);
        awaitMesh(3);

        faults.isolate(3);
        send(1, 3, 1);
        send(3, 1, 2);
        send(1, 2, 3);
        send(2, 1, 4);
        Await.until("the majority side still talks", () -> rounds(2, 1).contains(3L) && rounds(1, 2).contains(4L));

        faults.heal();
        send(1, 3, 5);
        send(3, 1, 6);
        Await.until("markers cross after healing", () -> rounds(3, 1).contains(5L) && rounds(1, 3).contains(6L));
        assertThat(rounds(3, 1)).containsExactly(5L);
        assertThat(rounds(1, 3)).containsExactly(6L);
        assertThat(faults.droppedOnSend()).isEqualTo(2);
    }

    @Test
    void aCutLinkDropsOneDirectionOnly() {
        FaultInjector faults = new FaultInjector(2);
        cluster = new TestCluster(3, TestCluster.testConfig(), faults);
        awaitMesh(3);

        faults.cut(1, 2);
        send(1, 2, 1);
        send(2, 1, 2);
        Await.until("the reverse direction still works", () -> rounds(1, 2).contains(2L));

        faults.heal(1, 2);
        send(1, 2, 3);
        Await.until("the marker arrives", () -> rounds(2, 1).contains(3L));
        assertThat(rounds(2, 1)).containsExactly(3L);
    }

    @Test
    void isolationHeldOnlyByTheReceiverDropsInboundFrames() {
        cluster = new TestCluster(2, TestCluster.testConfig(), null);
        awaitMesh(2);

        cluster.faults(2).isolate(2);
        send(1, 2, 1);
        Await.until("node 2 drops the frame it received",
                () -> cluster.node(2).stats().peer(1).messagesDropped() == 1);
        assertThat(cluster.faults(1).droppedOnSend()).isZero();
        assertThat(cluster.faults(2).droppedOnReceive()).isEqualTo(1);

        cluster.faults(2).rejoin(2);
        send(1, 2, 2);
        Await.until("the marker arrives", () -> rounds(2, 1).contains(2L));
        assertThat(rounds(2, 1)).containsExactly(2L);
    }

    @Test
    void aDelayedLinkDeliversEverythingInOrder() {
        FaultInjector faults = new FaultInjector(3);
        cluster = new TestCluster(2, TestCluster.testConfig(), faults);
        awaitMesh(2);

        faults.delay(1, 2, 30);
        for (long r = 1; r <= 20; r++) {
            send(1, 2, r);
        }
        Await.until("all delayed messages arrive", () -> rounds(2, 1).size() == 20);
        assertThat(rounds(2, 1)).isSorted().hasSize(20);
        assertThat(faults.delayed()).isEqualTo(20);
    }

    @Test
    void aSeededLossDropsAFractionAndAccountsForEveryMessage() {
        FaultInjector faults = new FaultInjector(4);
        cluster = new TestCluster(2, TestCluster.testConfig(), faults);
        awaitMesh(2);

        faults.dropFraction(1, 2, 0.5);
        int sent = 400;
        for (long r = 1; r <= sent; r++) {
            send(1, 2, r);
        }
        faults.heal();
        send(1, 2, 1_000);
        Await.until("the marker arrives", () -> rounds(2, 1).contains(1_000L));

        long delivered = rounds(2, 1).size() - 1;
        assertThat(delivered + faults.droppedOnSend()).isEqualTo(sent);
        assertThat(faults.droppedOnSend()).isBetween(100L, 300L);
        assertThat(cluster.node(1).stats().peer(2).messagesDropped()).isEqualTo(faults.droppedOnSend());
    }

    /** A heartbeat whose round tags it, on the priority lane (which wakes at once). */
    private void send(long from, long to, long round) {
        cluster.node(from).sendPriority(to, 1, new Heartbeat(from, to, 1, 0, round));
    }

    /** The rounds of the heartbeats {@code at} has received from {@code from}, in arrival order. */
    private List<Long> rounds(long at, long from) {
        return cluster.handler(at).from(from, MessageType.HEARTBEAT).stream().map(Envelope::message)
                .map(m -> ((Heartbeat) m).round()).collect(Collectors.toList());
    }

    private void awaitMesh(int size) {
        for (long a = 1; a <= size; a++) {
            for (long b = 1; b <= size; b++) {
                long from = a;
                long to = b;
                if (a != b) {
                    Await.until("node " + to + " reachable from " + from,
                            () -> cluster.node(from).stats().peer(to).reachable());
                }
            }
        }
        assertThat(cluster.node(1).peers()).hasSize(size - 1).doesNotContain(1L);
        assertThat(Set.copyOf(cluster.node(1).peers())).isNotEmpty();
    }
}
