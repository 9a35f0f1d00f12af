package io.conclave.raft.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.property.ScheduleRunner.Outcome;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Schedules that once failed, replayed exactly (schedule text as jqwik prints it, cluster size,
 * seed). Those that still fail because of the core are disabled with the reason; re-enable once
 * the core is fixed.
 */
class RaftRegressionTest {

    /**
     * Seed 16 of a search with hosts that stop snapshotting once the faults stop (3 nodes). At the
     * end, leader 1 (term 3) holds a snapshot at index 3 whose membership is voters [1, 2, 3], and
     * its log starts at 3; node 4 was added later (now a voter of [1, 3, 4]) with empty storage, so
     * it needs a snapshot. The only one does not include node 4, so node 4 refuses it
     * (RaftNode.handleSnapshotChunk: "membership does not include us") and the leader falls back to
     * PROBE (match 0, next 4), forever: 50 ticks later node 4 has applied nothing. Expected: every
     * member applies the new proposals. The core never tells the host that a fresher snapshot is
     * needed; with hosts that snapshot periodically (ScheduleRunner.Hosts.DEFAULT) it recovers.
     */
    @Test
    @Disabled("raft liveness gap: a learner added after the leader's last snapshot refuses that snapshot and never"
            + " catches up until the leader's host happens to snapshot again")
    void learnerAddedAfterTheLeadersSnapshotCatchesUpWithoutAFreshSnapshot() {
        ScheduleRunner.run(3, 16, Schedules.parse(SEED_16), Set.of(), new ScheduleRunner.Hosts(true, false));
    }

    @Test
    void learnerAddedAfterTheLeadersSnapshotCatchesUpOnceTheHostSnapshotsAgain() {
        Outcome o = ScheduleRunner.run(3, 16, Schedules.parse(SEED_16), Set.of(), ScheduleRunner.Hosts.DEFAULT);
        assertThat(o.appliedPayloads()).isPositive();
    }

    @Test
    void schedulesParseBackFromTheirPrintedForm() {
        List<Action> s = Schedules.parse(SEED_16);
        assertThat(Schedules.parse(s.toString())).isEqualTo(s);
        assertThat(s).hasSizeGreaterThan(100);
    }

    private static final String SEED_16 = """
            [HandleReadyAll, DeliverAll, Propose(5), HandleReady(4), HandleReady(5), TickAll, Restart(4),
            Deliver(7), DeliverAll, DeliverAll, TickAll, ChangeMembership(JOINT_EXPLICIT,5,6), Deliver(2),
            Propose(1), ChangeMembership(PROMOTE,5,3), Propose(4), Deliver(5), HandleReady(6), DeliverAll,
            Tick(2), HandleReady(6), Propose(2), DeliverAll, Drop(0), Propose(0), LeaveJoint, Propose(1),
            Propose(4), Propose(3), DeliverAll, DeliverAll, Propose(0), HandleReadyAll, TickAll, Snapshot(6,1),
            Tick(0), TickAll, Deliver(4), TickAll, Propose(1), HandleReadyAll, TickAll, Deliver(5), TickAll,
            TickAll, Deliver(12), Deliver(57), Tick(6), Drop(25), Propose(3), HandleReadyAll, Propose(4),
            Tick(4), TickAll, TickAll, TickAll, Propose(5), HandleReady(5), TickAll, Deliver(0), DeliverAll,
            Deliver(4), Propose(4), TickAll, DeliverAll, Duplicate(3), Deliver(1), Propose(6), HandleReadyAll,
            Tick(1), Deliver(1), Tick(5), TickAll, Deliver(33), Deliver(2), Deliver(3), TickAll, Deliver(63),
            Propose(2), HandleReady(3), Propose(0), HandleReadyAll, DeliverAll, Deliver(15), CutLink(1,4),
            Deliver(16), TickAll, Propose(6), Campaign(3), DeliverAll, TickAll, Tick(2), HandleReadyAll,
            Drop(32), Propose(6), TickAll, Propose(5), TickAll, Propose(2), ChangeMembership(JOINT_AUTO,6,1),
            Propose(1), HandleReadyAll, HandleReadyAll, Tick(5), Tick(4), TickAll, HandleReady(2), TickAll,
            Restart(2), HandleReadyAll, Deliver(14), DeliverAll, Deliver(5), Deliver(5), Deliver(6), TickAll,
            Propose(0), Tick(4), Tick(3)]
            """;


    /**
     * jqwik seed 8769896774319170571, shrunk (3 nodes, seed 0), with the membership bootstrapped by
     * {@code MemoryStorage.withVoters(1, 2, 3)}: the initial voters live only in each node's index-0
     * snapshot, and no leader ever compacted past index 0, so nodes 4 and 5, added later with empty
     * storage, get the log by plain replication from index 1 and never learn that [1, 2, 3] were
     * voters. They apply the same conf-change entries to an EMPTY membership instead: node 4 ends
     * with voters [4] alone, then a joint [5] / [4] — a separate two-node group. Node 4 leads it in
     * term 3 and commits index 7 in term 3 while nodes 1-3 keep term 2's entry there; node 2 then
     * leads term 4 without the entry committed at index 7. Expected: every member applies each
     * membership change to the same membership. Actual: LEADER_COMPLETENESS (and divergent state
     * machines) — two clusters. Passes when the bootstrap membership is in the log (next test).
     */
    @Test
    @Disabled("raft bug: a node added after a withVoters bootstrap and caught up by log replication never learns"
            + " the initial voters, builds its own membership and forms a second cluster (split brain)")
    void nodesAddedAfterASnapshotBootstrapLearnTheInitialVoters() {
        ScheduleRunner.run(3, 0, Schedules.parse(SPLIT_BRAIN), Set.of(), new ScheduleRunner.Hosts(false, true));
    }

    @Test
    void nodesAddedAfterALogBootstrapJoinTheOneCluster() {
        Outcome o = ScheduleRunner.run(3, 0, Schedules.parse(SPLIT_BRAIN), Set.of(), ScheduleRunner.Hosts.DEFAULT);
        assertThat(o.confChangesApplied()).isPositive();
    }

    private static final String SPLIT_BRAIN = """
            [ Campaign(0), Tick(1), Crash(5), HandleReady(5), Tick(5), TransferLeader(1), TickAll, TickAll,
            Tick(2), Duplicate(15), Propose(3), Deliver(16), Restart(2), ChangeMembership(JOINT_EXPLICIT,2,0),
            TickAll, Tick(5), Propose(3), Snapshot(0,1), TickAll, Propose(3), DeliverAll,
            ChangeMembership(ADD_LEARNER,6,5), DeliverAll, TickAll, Propose(4), HandleReady(6), Tick(0),
            HandleReadyAll, Tick(5), TickAll, HandleReady(0), ChangeMembership(PROMOTE,2,4), Propose(4),
            TransferLeader(1), Snapshot(5,3), TickAll, Deliver(22), Deliver(38), Propose(5), Tick(5),
            DeliverAll, TransferLeader(3), Tick(3), TickAll, CutLink(1,5), LeaveJoint, Snapshot(1,2), Drop(7),
            HandleReady(3), HandleReadyAll, HandleReady(2), Deliver(6), CutLink(4,1), HandleReadyAll, TickAll,
            TickAll, Tick(4), ChangeMembership(ADD_LEARNER,6,1), ChangeMembership(JOINT_AUTO,6,6),
            Snapshot(6,2), HandleReady(4), TickAll, Propose(1), TickAll, Deliver(17), HandleReady(5),
            Deliver(39), Duplicate(1), TickAll, Crash(0), HandleReady(4), Heal, Tick(1), CutLink(3,3), TickAll,
            ChangeMembership(REMOVE,3,0), Tick(1), HandleReady(2), Propose(1), DeliverAll, Tick(1), Deliver(18),
            Deliver(2), Drop(2), ChangeMembership(JOINT_EXPLICIT,1,0), Deliver(4),
            ChangeMembership(ADD_LEARNER,1,0), Deliver(62), TickAll, Deliver(7), TickAll, Propose(2),
            TransferLeader(1), Tick(6), Propose(0), Tick(1), Deliver(41), Deliver(3), Propose(1), Duplicate(63),
            TickAll, Drop(62), Snapshot(4,2), CutLink(5,6), TickAll, DeliverAll, TickAll, TickAll, Tick(1) ]
            """;
}
