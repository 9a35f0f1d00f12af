package io.conclave.raft.property;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChangeSingle;
import io.conclave.raft.ConfChangeTransition;
import io.conclave.raft.ConfChangeType;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.PlantedBug;
import io.conclave.raft.ProposeResult;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.log.RaftLog;
import io.conclave.raft.property.SafetyViolation.Invariant;
import io.conclave.raft.property.SimCluster.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Plays a schedule on a {@link SimCluster}, checking the safety invariants after every step, then
 * stops all faults and checks liveness:
 * <ul>
 *   <li>a leader is elected within {@link #LEADER_BOUND_TICKS} ticks (10 election timeouts), each
 *       tick followed by delivering every message in order;</li>
 *   <li>{@link #LIVENESS_PROPOSALS} proposals made at that leader are applied on every member of its
 *       configuration within {@link #COMMIT_BOUND_TICKS} further ticks.</li>
 * </ul>
 */
final class ScheduleRunner {

    static final int ELECTION_TIMEOUT_TICKS = 5;
    static final int LEADER_BOUND_TICKS = 10 * ELECTION_TIMEOUT_TICKS;
    static final int COMMIT_BOUND_TICKS = 10 * ELECTION_TIMEOUT_TICKS;
    static final int LIVENESS_PROPOSALS = 3;
    /** Nodes beyond the initial ones that membership changes may add. */
    static final int EXTRA_NODES_MAX = 2;

    /** What a run did, for statistics. */
    record Outcome(int steps, long appliedPayloads, long confChangesApplied, long snapshotsInstalled, int ticksToLeader,
                   int ticksToApply) {
    }

    /** How often, in ticks of the liveness phase, every host snapshots its state machine and compacts. */
    static final int HOST_SNAPSHOT_INTERVAL_TICKS = ELECTION_TIMEOUT_TICKS;

    /**
     * How the hosts behave.
     *
     * @param periodicHostSnapshots whether every host snapshots every {@link #HOST_SNAPSHOT_INTERVAL_TICKS}
     *     once the faults stop, as a real host does on a schedule
     */
    record Hosts(boolean periodicHostSnapshots) {
        static final Hosts DEFAULT = new Hosts(true);
    }

    private final SimCluster cluster;
    private final int size;
    private final boolean periodicHostSnapshots;

    private ScheduleRunner(int size, long seed, LongFunction<RaftConfig> configFor, Set<PlantedBug> bugs, Hosts hosts) {
        this.size = size;
        this.cluster = new SimCluster(size, seed, configFor, bugs);
        this.periodicHostSnapshots = hosts.periodicHostSnapshots();
    }

    /** Runs {@code schedule} on a fresh cluster of {@code size} nodes with {@link Hosts#DEFAULT}; throws on any violation. */
    static Outcome run(int size, long seed, List<Action> schedule, Set<PlantedBug> bugs) {
        return run(size, seed, schedule, bugs, Hosts.DEFAULT);
    }

    static Outcome run(int size, long seed, List<Action> schedule, Set<PlantedBug> bugs, Hosts hosts) {
        return new ScheduleRunner(size, seed, SimCluster::testConfig, bugs, hosts).runAll(schedule);
    }

    private Outcome runAll(List<Action> schedule) {
        for (int step = 0; step < schedule.size(); step++) {
            Action a = schedule.get(step);
            try {
                perform(a);
                cluster.check();
            } catch (SafetyViolation e) {
                throw contextualize(e, "step " + step + " " + a);
            } catch (RuntimeException e) {
                throw new AssertionError("core threw at step " + step + " " + a + ": " + e + cluster.describe(), e);
            }
        }
        try {
            return liveness(schedule.size());
        } catch (SafetyViolation e) {
            throw contextualize(e, "liveness phase");
        } catch (RuntimeException e) {
            throw new AssertionError("core threw in the liveness phase: " + e + cluster.describe(), e);
        }
    }

    private SafetyViolation contextualize(SafetyViolation e, String where) {
        SafetyViolation v = new SafetyViolation(e.invariant, "at " + where + ": " + e.getMessage().substring(
                e.invariant.name().length() + 2) + cluster.describe());
        v.initCause(e);
        return v;
    }

    private void perform(Action a) {
        if (a instanceof Action.Tick t) {
            Member m = cluster.pick(t.node());
            if (m.up) {
                m.node.tick();
            }
        } else if (a instanceof Action.TickAll) {
            cluster.tickAll();
        } else if (a instanceof Action.HandleReady h) {
            cluster.handleReady(cluster.pick(h.node()));
        } else if (a instanceof Action.HandleReadyAll) {
            cluster.handleAllReadies();
        } else if (a instanceof Action.Deliver d) {
            cluster.deliver(d.pick());
        } else if (a instanceof Action.DeliverAll) {
            cluster.deliverRound();
        } else if (a instanceof Action.Drop d) {
            cluster.drop(d.pick());
        } else if (a instanceof Action.Duplicate d) {
            cluster.duplicate(d.pick());
        } else {
            performFaultOrClient(a);
        }
    }

    private void performFaultOrClient(Action a) {
        if (a instanceof Action.Crash c) {
            Member m = cluster.pick(c.node());
            if (m.up) {
                cluster.crash(m);
            }
        } else if (a instanceof Action.Restart r) {
            cluster.restart(cluster.pick(r.node()));
        } else if (a instanceof Action.Partition p) {
            cluster.partition(p.mask());
        } else if (a instanceof Action.CutLink c) {
            long from = cluster.pick(c.from()).id;
            long to = cluster.pick(c.to()).id;
            if (from != to) {
                cluster.cut(from, to);
            }
        } else if (a instanceof Action.Heal) {
            cluster.heal();
        } else if (a instanceof Action.Propose p) {
            // Clients mostly find the leader; the rest of the time they ask a node that may refuse.
            Member m = p.node() % 2 == 0 && cluster.leader() != null ? cluster.leader() : cluster.pick(p.node());
            if (m.up) {
                m.node.propose(cluster.nextPayload());
            }
        } else if (a instanceof Action.ChangeMembership c) {
            changeMembership(c);
        } else if (a instanceof Action.LeaveJoint) {
            Member l = cluster.leader();
            if (l != null && l.node.confState().isJoint() && !changePending(l)) {
                l.node.proposeConfChange(ConfChange.leaveJoint());
            }
        } else if (a instanceof Action.TransferLeader t) {
            Member l = cluster.leader();
            if (l != null) {
                l.node.transferLeadership(cluster.pick(t.node()).id);
            }
        } else if (a instanceof Action.Campaign c) {
            Member m = cluster.pick(c.node());
            if (m.up) {
                m.node.campaign();
            }
        } else if (a instanceof Action.Snapshot s) {
            cluster.snapshot(cluster.pick(s.node()), s.keep());
        } else {
            throw new IllegalArgumentException("unknown action " + a);
        }
    }

    /** Whether the leader's log holds a membership change it has not applied yet. */
    private static boolean changePending(Member l) {
        RaftLog log = l.log();
        long from = Math.max(log.applied() + 1, log.firstIndex());
        for (Entry e : log.slice(from, log.lastIndex() + 1, Long.MAX_VALUE)) {
            if (e.type() == EntryType.CONF_CHANGE) {
                return true;
            }
        }
        return false;
    }

    private void changeMembership(Action.ChangeMembership c) {
        Member l = cluster.leader();
        if (l == null || changePending(l)) {
            return;
        }
        ConfState cs = l.node.confState();
        if (cs.isJoint()) {
            return;
        }
        List<Long> voters = new ArrayList<>(cs.voters());
        List<Long> learners = new ArrayList<>(cs.learners());
        List<Long> all = new ArrayList<>(cs.allMembers());
        boolean roomForNew = cluster.memberList().size() < size + EXTRA_NODES_MAX;
        long fresh = cluster.nextFreshId();
        switch (c.kind()) {
            case ADD_LEARNER:
                if (roomForNew && propose(l, ConfChange.addLearner(fresh))) {
                    cluster.addNode(fresh);
                }
                break;
            case PROMOTE:
                if (!learners.isEmpty()) {
                    propose(l, ConfChange.addVoter(learners.get(Math.floorMod(c.a(), learners.size()))));
                }
                break;
            case REMOVE:
                propose(l, ConfChange.remove(all.get(Math.floorMod(c.a(), all.size()))));
                break;
            default:
                jointChange(l, c, voters, learners, roomForNew, fresh);
                break;
        }
    }

    /** Adds a voter (a learner, or a fresh node) and removes another voter, through a joint configuration. */
    private void jointChange(Member l, Action.ChangeMembership c, List<Long> voters, List<Long> learners,
                             boolean roomForNew, long fresh) {
        long in;
        if (!learners.isEmpty()) {
            in = learners.get(Math.floorMod(c.a(), learners.size()));
        } else if (roomForNew) {
            in = fresh;
        } else {
            return;
        }
        long out = voters.get(Math.floorMod(c.b(), voters.size()));
        ConfChangeTransition tr = c.kind() == Action.ChangeKind.JOINT_EXPLICIT
                ? ConfChangeTransition.JOINT_EXPLICIT : ConfChangeTransition.AUTO;
        ConfChange cc = new ConfChange(tr, List.of(new ConfChangeSingle(ConfChangeType.ADD_VOTER, in),
                new ConfChangeSingle(ConfChangeType.REMOVE_NODE, out)), null);
        if (propose(l, cc) && in == fresh) {
            cluster.addNode(fresh);
        }
    }

    private static boolean propose(Member l, ConfChange cc) {
        return l.node.proposeConfChange(cc).accepted();
    }

    // ---------------------------------------------------------------- liveness

    private Outcome liveness(int steps) {
        cluster.heal();
        for (Member m : cluster.memberList()) {
            cluster.restart(m);
        }
        cluster.stabilize();
        int ticksToLeader = 0;
        while (cluster.leader() == null) {
            if (ticksToLeader++ >= LEADER_BOUND_TICKS) {
                throw new SafetyViolation(Invariant.LIVENESS, "no leader within " + LEADER_BOUND_TICKS
                        + " ticks after the faults stopped" + cluster.describe());
            }
            cluster.tickAll();
            cluster.stabilize();
        }
        long[] indexes = new long[LIVENESS_PROPOSALS];
        long[] terms = new long[LIVENESS_PROPOSALS];
        byte[][] payloads = new byte[LIVENESS_PROPOSALS][];
        for (int tick = 0; tick <= COMMIT_BOUND_TICKS; tick++) {
            Member l = cluster.leader();
            if (l != null) {
                proposeMissing(l, indexes, terms, payloads);
                cluster.stabilize();
                if (allApplied(l, indexes, terms, payloads)) {
                    return new Outcome(steps, cluster.appliedPayloads(), cluster.confChangesApplied(),
                            cluster.snapshotsInstalled(), ticksToLeader, tick);
                }
            }
            if (periodicHostSnapshots && tick % HOST_SNAPSHOT_INTERVAL_TICKS == HOST_SNAPSHOT_INTERVAL_TICKS / 2) {
                for (Member m : cluster.memberList()) {
                    cluster.snapshot(m, 2);
                }
            }
            cluster.tickAll();
            cluster.stabilize();
        }
        throw new SafetyViolation(Invariant.LIVENESS, "proposals at indexes " + java.util.Arrays.toString(indexes)
                + " not applied on every member within " + COMMIT_BOUND_TICKS + " ticks of a leader"
                + cluster.describe());
    }

    /**
     * Proposes what is not yet in flight. A proposal accepted by a leader that lost its leadership
     * before replicating it (a restart at the end of the faults can still cause one election) is
     * legitimately dropped: it is proposed again to the new leader. One dropped by a leader of its
     * own term is caught in {@link #allApplied}.
     */
    private void proposeMissing(Member l, long[] indexes, long[] terms, byte[][] payloads) {
        for (int i = 0; i < indexes.length; i++) {
            if (indexes[i] != 0 && l.node.term() > terms[i] && l.log().termOrNegative(indexes[i]) != terms[i]) {
                indexes[i] = 0;
            }
            if (indexes[i] != 0) {
                continue;
            }
            byte[] p = cluster.nextPayload();
            ProposeResult r = l.node.propose(p);
            if (r.accepted()) {
                indexes[i] = r.firstIndex();
                terms[i] = r.term();
                payloads[i] = p;
            }
        }
    }

    /** Whether every proposal was accepted, committed as proposed, and applied by every member. */
    private boolean allApplied(Member l, long[] indexes, long[] terms, byte[][] payloads) {
        for (int i = 0; i < indexes.length; i++) {
            if (indexes[i] == 0) {
                return false;
            }
        }
        for (Long id : l.node.confState().allMembers()) {
            Member m = cluster.member(id);
            for (long idx : indexes) {
                if (m == null || m.appliedIndex < idx) {
                    return false;
                }
            }
        }
        boolean all = true;
        for (int i = 0; i < indexes.length; i++) {
            Entry e = cluster.appliedEntry(indexes[i]);
            if (e == null || e.term() != terms[i]) {
                all = false; // dropped with its leader: proposed again at the next round
            } else if (!java.util.Arrays.equals(e.data(), payloads[i])) {
                throw new SafetyViolation(Invariant.LIVENESS, "proposal accepted at index " + indexes[i]
                        + " in term " + terms[i] + " was replaced by " + e + " of the same term");
            }
        }
        return all;
    }
}
