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
     * Seed 328 of the exploration run (3 nodes). At the end, leader 3 (term 1) holds a snapshot at
     * index 2 whose membership is voters [2, 3]; it then added node 4 as a learner (index > 2) and
     * its log starts at 2. Node 4 is empty, so it needs a snapshot; the only one is at index 2, which
     * does not include node 4, so node 4 refuses it (RaftNode.handleSnapshotChunk: "membership does
     * not include us") and the leader falls back to probe, forever: 100 ticks later node 4 has
     * applied nothing. The core never tells the host that a fresher snapshot is needed. With hosts
     * that snapshot periodically (as {@link ScheduleRunner#run} does once faults stop) it recovers.
     */
    @Test
    @Disabled("raft liveness gap: a learner added after the leader's last snapshot refuses that snapshot and never"
            + " catches up until the leader's host happens to snapshot again")
    void learnerAddedAfterTheLeadersSnapshotCatchesUpWithoutAFreshSnapshot() {
        ScheduleRunner.runWithoutLateSnapshots(3, 328, Schedules.parse(SEED_328));
    }

    @Test
    void learnerAddedAfterTheLeadersSnapshotCatchesUpOnceTheHostSnapshotsAgain() {
        Outcome o = ScheduleRunner.run(3, 328, Schedules.parse(SEED_328), Set.of());
        assertThat(o.appliedPayloads()).isPositive();
    }

    @Test
    void schedulesParseBackFromTheirPrintedForm() {
        List<Action> s = Schedules.parse(SEED_328);
        assertThat(Schedules.parse(s.toString())).isEqualTo(s);
        assertThat(s).hasSizeGreaterThan(100);
    }

    private static final String SEED_328 = """
            [Propose(5), Deliver(3), HandleReadyAll, Deliver(36), Tick(1), HandleReadyAll, Tick(4), TickAll, 
            HandleReady(4), CutLink(0,5), HandleReadyAll, Tick(2), Duplicate(61), Tick(0), HandleReadyAll, 
            Snapshot(4,0), Deliver(14), TickAll, Tick(4), Deliver(10), HandleReady(5), Tick(6), Drop(6), 
            Tick(2), Deliver(3), Tick(2), Propose(0), HandleReadyAll, Deliver(15), HandleReady(5), TickAll, 
            Tick(3), Deliver(25), HandleReady(1), Partition(5), TickAll, Deliver(51), Crash(4), Tick(6), 
            Propose(0), TickAll, Deliver(10), Deliver(22), HandleReadyAll, Propose(3), Deliver(4), 
            Snapshot(5,2), Heal, Deliver(49), TickAll, Tick(5), Tick(5), Partition(88), DeliverAll, 
            Deliver(56), HandleReadyAll, DeliverAll, Deliver(5), HandleReady(2), Tick(6), Tick(1), 
            HandleReadyAll, Tick(0), Drop(31), Tick(2), HandleReadyAll, ChangeMembership(JOINT_AUTO,1,6), 
            HandleReady(5), Deliver(3), Propose(0), HandleReadyAll, DeliverAll, DeliverAll, Deliver(3), 
            DeliverAll, TickAll, Tick(2), HandleReady(5), Tick(2), Drop(8), Restart(3), HandleReady(6), 
            LeaveJoint, Propose(3), Tick(2), DeliverAll, Propose(4), DeliverAll, TickAll, Drop(19), TickAll, 
            Drop(0), TickAll, ChangeMembership(REMOVE,6,6), Snapshot(3,0), Tick(6), HandleReadyAll, LeaveJoint, 
            Propose(3), DeliverAll, Propose(1), Deliver(12), Deliver(53), HandleReady(6), Propose(0), 
            Propose(2), TickAll, Deliver(45), LeaveJoint, HandleReady(5), HandleReadyAll, DeliverAll, Drop(9), 
            Deliver(2), Propose(0), HandleReadyAll, HandleReadyAll, DeliverAll, Restart(4), Heal, 
            HandleReadyAll, Propose(3), TickAll, Deliver(5), Restart(3), Snapshot(3,0), 
            ChangeMembership(PROMOTE,1,5), HandleReady(3), Deliver(10), HandleReady(3), DeliverAll, Tick(6), 
            HandleReady(0), Tick(4), Tick(3), DeliverAll, Crash(3), Duplicate(63), Tick(2), Drop(6), 
            HandleReadyAll, TransferLeader(2), HandleReadyAll, Tick(1), DeliverAll, 
            ChangeMembership(ADD_LEARNER,2,2), HandleReadyAll, Tick(1), Deliver(5), HandleReady(3), Tick(0), 
            Drop(18), Deliver(3), Deliver(58), Deliver(25), ChangeMembership(ADD_LEARNER,6,6), Propose(6), 
            Propose(4), Deliver(11), DeliverAll, Crash(1), Propose(2), Deliver(62), HandleReady(5), 
            ChangeMembership(PROMOTE,1,1), Deliver(9), Campaign(3), Deliver(62), Propose(1), HandleReadyAll, 
            Tick(3), HandleReadyAll, Propose(6), HandleReadyAll, Deliver(55), Deliver(51), Heal, Deliver(38), 
            LeaveJoint, Deliver(5), Tick(3), Deliver(40), HandleReadyAll, Campaign(5), Tick(4), Tick(2), 
            Tick(6), HandleReady(2), Duplicate(5), HandleReady(3), HandleReadyAll, Deliver(4), HandleReady(1), 
            HandleReadyAll, Propose(6), Campaign(3), HandleReady(0), Propose(4), ChangeMembership(REMOVE,2,1), 
            Deliver(1), HandleReady(2), Crash(4), HandleReady(0), TickAll, Duplicate(15), Campaign(5), 
            Propose(2), Drop(1), ChangeMembership(JOINT_EXPLICIT,5,3), Drop(3), Deliver(6), Deliver(16), 
            HandleReadyAll, HandleReady(3), Duplicate(10), Propose(4), HandleReadyAll, Propose(5), Tick(5), 
            Snapshot(6,1), Propose(0), Propose(5), Deliver(48), Restart(2), DeliverAll, HandleReadyAll, 
            HandleReady(1), Tick(0), HandleReady(4), HandleReady(1), Tick(1), Deliver(19), Propose(3), 
            Duplicate(1), Tick(0), TickAll, Deliver(13), TickAll, HandleReady(3), LeaveJoint, Tick(2), 
            HandleReady(4), Propose(1), Deliver(2), Restart(6), HandleReadyAll, Deliver(18), TickAll, 
            Deliver(9), Tick(1), Crash(4), HandleReady(5), Deliver(3), Deliver(6), Propose(6), 
            ChangeMembership(REMOVE,0,6), HandleReady(5), HandleReadyAll, Tick(2), Propose(4), Deliver(4), 
            Tick(2), Drop(5), DeliverAll, Tick(6), Tick(6), HandleReadyAll, ChangeMembership(JOINT_AUTO,1,4), 
            Tick(1), HandleReadyAll, TickAll, ChangeMembership(PROMOTE,6,6), HandleReadyAll, Drop(11), 
            Snapshot(4,3), Duplicate(31), Crash(1), TickAll, Snapshot(1,3), Tick(0), DeliverAll]
            """;
}
