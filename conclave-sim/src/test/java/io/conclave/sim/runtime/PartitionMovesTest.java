package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Partition moves mid-run ({@code move}): five nodes, groups of three, so every group has nodes that
 * do not host it. Each run must complete moves (the target created, caught up and promoted, the
 * source removed and its replica destroyed — storage and directory), end with every node storing
 * exactly the groups the placement gives it (the {@code placement} check), and pass every invariant
 * and checker while the workloads write.
 */
class PartitionMovesTest {

    private static RuntimeSimConfig config(long seed, int groups, long faultNs, String faults) {
        return RuntimeSimConfig.defaults(seed, groups).withNodes(5, 3).withFaultNs(faultNs)
                .withFaults(RuntimeFault.parseList(faults));
    }

    /** Runs {@code seeds} of the register workload, asserts each passed every check, returns the faults summed. */
    private static TreeMap<String, Long> passing(String faults, long... seeds) {
        TreeMap<String, Long> injected = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (long seed : seeds) {
            SimResult r = RuntimeSimulation.run(config(seed, 6, 3_000_000_000L, faults));
            if (!r.passed()) {
                failures.add("seed " + seed + " (" + faults + "): " + r.failure());
                continue;
            }
            assertThat(r.checks()).containsEntry("linearizability", "valid").containsEntry("placement", "valid");
            r.faults().forEach((k, v) -> injected.merge(k, v, Long::sum));
        }
        assertThat(failures).isEmpty();
        return injected;
    }

    @Test
    void replicasMoveToOtherNodesWhileClientsWriteAndTheSourcesAreDestroyed() {
        TreeMap<String, Long> f = passing("move", 1, 2, 3);
        assertThat(f.get("move")).as("moves started").isPositive();
        assertThat(f.get("move-completed")).as("every move started completed").isEqualTo(f.get("move"));
        assertThat(f.get("moved-groups")).as("groups that ended on other nodes").isPositive();
        assertThat(f.get("move-leader-handover")).as("a leading source handed over first").isPositive();
        assertThat(f.get("move-leader-removed")).as("a leading source was removed as the leader").isPositive();
    }

    @Test
    void movesMixedWithCrashesPartitionsAndWipesKeepEveryInvariant() {
        TreeMap<String, Long> f = passing("move,crash,partition,wipe", 1, 21);
        assertThat(f.get("move-completed")).isPositive();
        assertThat(f.get("crash")).isPositive();
        assertThat(f.get("wipe")).isPositive();
    }

    /**
     * With torn crashes on, the nemesis now and then cuts a move's source's power inside the
     * destruction of its replica: the restart finds the group whole (its tombstone was not durable) and
     * the move destroys it again, or gone; either way the run ends with the group stored only where
     * it is placed. (Seed 11 until 2026-11-27; applying already-durable committed entries without
     * waiting for the Ready's own write changed its draws, and seed 3 takes both paths now.)
     */
    @Test
    void aSourceThatLosesPowerInsideTheDestructionHasItsRecoveredReplicaDestroyedAgain() {
        SimResult r = RuntimeSimulation.run(config(3, 6, 4_000_000_000L, "move,torn-crash"));
        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("placement", "valid");
        assertThat(r.faults().get("torn-crash-destroy")).isPositive();
        assertThat(r.faults().get("move-destroy-repeated")).isPositive();
    }

    /**
     * The data plane with partitions moving while clients append: a moved partition's new replica
     * catches up from the log (partitions take no snapshots); no acknowledged strong append is lost,
     * every replica of every partition ends with the same log (the log checkers).
     */
    @Test
    void partitionsMovedWhileClientsAppendLoseNoAcknowledgedStrongWrite() {
        SimResult r = RuntimeSimulation.runLog(config(3, 4, 5_000_000_000L, "move,crash,partition"),
                LogOptions.defaults());
        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("linearizability", "valid").containsEntry("log-scan", "valid")
                .containsEntry("convergence", "valid").containsEntry("placement", "valid");
        assertThat(r.faults().get("move-completed")).isPositive();
        assertThat(r.faults().get("moved-groups")).isPositive();
    }

    @Test
    void aRunWithMovesIsDeterministic() {
        RuntimeSimConfig c = config(3, 6, 2_000_000_000L, "move,crash,partition");
        SimResult a = RuntimeSimulation.run(c);
        SimResult b = RuntimeSimulation.run(c);
        assertThat(a.failure()).isNull();
        assertThat(a.faults().get("move-completed")).isPositive();
        assertThat(b.traceHash()).isEqualTo(a.traceHash());
        assertThat(b.faults()).isEqualTo(a.faults());
        assertThat(b.history().operations()).isEqualTo(a.history().operations());
    }

    /**
     * The planted bug {@code keep-moved-replica}: moves end without destroying the source's replica.
     * Every other check passes (the stale replica is out of the membership); the placement check
     * finds the source still storing the group.
     */
    @Test
    void aMoveThatLeavesItsSourceReplicaBehindIsCaughtByThePlacementCheck() {
        SimResult r = RuntimeSimulation.runKeepingMovedReplicas(config(1, 6, 3_000_000_000L, "move"));
        assertThat(r.faults().get("move-completed")).isPositive();
        assertThat(r.checks()).containsEntry("placement", "invalid");
        assertThat(r.failure()).startsWith("placement: node ").contains("stores groups");
    }

    /**
     * Seed 18 of every fault (5 nodes, 10 groups, 5 s; seed 54 too): a move's target hit a read error
     * while its storage created the new replica; the create failed but the engine kept the
     * half-created group, so the node stored a group nobody had placed there (and a restart would
     * have found it without its genesis membership). The placement check caught it. Fixed in the
     * storage engine (a refused create leaves nothing behind; CreateGroupFailureTest). Since crashes wait
     * for steady groups where a cut WAL tail means a rejoin (RuntimeFaultsTest.seed133…), seed 18's
     * draws differ and no create is refused any more; seed 54 still has one refused, and both run.
     */
    @Test
    void seed18ATargetWhoseDiskRefusedTheNewReplicaKeepsNoHalfCreatedGroup() {
        TreeMap<String, Long> faults = new TreeMap<>();
        for (long seed : new long[] {18, 54}) {
            SimResult r = RuntimeSimulation.run(RuntimeSimConfig.defaults(seed, 10).withNodes(5, 3)
                    .withFaultNs(5_000_000_000L));
            assertThat(r.failure()).as("seed " + seed).isNull();
            assertThat(r.checks()).containsEntry("placement", "valid");
            r.faults().forEach((k, v) -> faults.merge(k, v, Long::sum));
        }
        assertThat(faults.get("move-target-refused")).as("a target refused the new replica").isPositive();
        assertThat(faults.get("move-completed")).isPositive();
    }

    /**
     * Seed 8 of {@code move} (6 groups, 3 s, buggify on by the seed's draw): buggified short WAL writes
     * made replicas rebuild their Raft core after a failed write, from their snapshot's membership —
     * forgetting the move's learner addition, promotion and removal they had applied. The replicas of
     * group 1 ended with three memberships at the same applied index ({1,2}, {1,2,3}, {1,2,3}) and the
     * run never settled. Fixed in the runtime ({@code AppliedMembership}, RebuildKeepsMembershipTest).
     */
    @Test
    void seed8ReplicasRebuiltAfterFailedWritesKeepTheMembershipOfAMove() {
        SimResult r = RuntimeSimulation.run(config(8, 6, 3_000_000_000L, "move"));
        assertThat(r.failure()).isNull();
        assertThat(r.faults().get("buggify.wal.short-write")).isPositive();
        assertThat(r.faults().get("move-completed")).isPositive();
    }
}
