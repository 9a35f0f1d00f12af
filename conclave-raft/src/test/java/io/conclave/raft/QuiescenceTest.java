package io.conclave.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.harness.Cluster;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Quiescence: an idle, fully replicated group stops all per-group traffic and timers; new work
 * wakes it; node-level liveness (the host) replaces the election timer while it rests.
 */
class QuiescenceTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Cluster replicated(Set<PlantedBug> bugs, boolean lease) {
        Cluster c = new Cluster(id -> RaftConfig.builder(id).leaseReads(lease).build(), 5, bugs, 1, 2, 3);
        long l = c.electLeader();
        c.node(l).propose(b("a"));
        c.run(3);
        return c;
    }

    @Test
    void idleReplicatedGroupQuiescesAndThenSendsNothing() {
        Cluster c = replicated(Set.of(), false);
        long l = c.leader();
        assertThat(c.node(l).quiesce()).isTrue();
        c.stabilize();
        for (Cluster.Member m : c.members()) {
            assertThat(m.node.isQuiesced()).as("node %d quiesced", m.id).isTrue();
        }
        int before = c.delivered;
        c.run(100); // ten election timeouts
        assertThat(c.delivered).isEqualTo(before);
        assertThat(c.leader()).isEqualTo(l);
    }

    @Test
    void groupWithUnreplicatedEntriesRefusesToQuiesce() {
        Cluster c = replicated(Set.of(), false);
        long l = c.leader();
        long f = l == 1 ? 2 : 1;
        c.cut(l, f);
        c.node(l).propose(b("b"));
        c.stabilize();
        assertThat(c.node(l).quiesce()).isFalse();
    }

    @Test
    void proposalWakesAQuiescedGroup() {
        Cluster c = replicated(Set.of(), false);
        long l = c.leader();
        c.node(l).quiesce();
        c.stabilize();
        c.node(l).propose(b("b"));
        c.run(2);
        for (Cluster.Member m : c.members()) {
            assertThat(m.node.isQuiesced()).isFalse();
            assertThat(m.appliedData()).hasSize(2);
        }
    }

    @Test
    void followersOfADeadQuiescedLeaderElectOnceTheHostForgetsIt() {
        Cluster c = replicated(Set.of(), false);
        long l = c.leader();
        c.node(l).quiesce();
        c.stabilize();
        c.crash(l);
        c.run(100);
        assertThat(c.leader()).as("quiesced followers do not notice by themselves").isEqualTo(0);
        for (Cluster.Member m : c.members()) {
            if (m.id != l) {
                m.node.forgetLeader();
            }
        }
        long next = l == 1 ? 2 : 1;
        c.campaign(next);
        assertThat(c.leader()).isEqualTo(next);
    }

    @Test
    void quiescedLeaderServesNoLeaseReadUntilANewRoundConfirmsIt() {
        Cluster c = replicated(Set.of(), true);
        long l = c.leader();
        c.node(l).quiesce();
        c.stabilize();
        c.node(l).readIndex(b("r"), ReadMode.LEASE);
        c.processReady(l);
        assertThat(c.member(l).readStates).as("no answer without a round trip").isEmpty();
        c.stabilize();
        assertThat(c.member(l).readStates).hasSize(1);
    }
}
