package io.conclave.sim.runtime;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.replica.Replica;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Partition moves mid-run (the {@code move} fault): a group's replica moves from one of its voters
 * (the source, sometimes its leader) to a node that does not host the group (the target), as the
 * server's control plane moves a partition, through the runtime's own API:
 *
 * <ol>
 *   <li>the target's replica is created from the group's genesis membership, campaigning for nothing
 *       (as {@code ConclaveNode} creates a replica for a new assignment);</li>
 *   <li>it is added as a learner and catches up from the log or a snapshot;</li>
 *   <li>it is promoted once it has applied the commit index seen when it became a learner (the rule of
 *       the {@code membership} fault and of the runtime's rejoin);</li>
 *   <li>the source is removed; when the source leads, it either hands leadership to another voter first
 *       or is removed as the leader (Raft lets a leader commit its own removal; it steps down once it is
 *       applied) — each move draws which;</li>
 *   <li>once the leader has applied the removal, the source's replica is destroyed (the assembly's
 *       {@code destroyGroup}: replica, state and storage); a crash before the deletion is durable
 *       brings the group back on restart, and it is destroyed again.</li>
 * </ol>
 *
 * One reconfiguration per group at a time; a move runs to its end after the faults heal. The run
 * settles only once every move has ended. Scheduler thread only; every choice drawn from the run's
 * seed (a stream of its own, so that runs where no move can start draw as before).
 */
final class PartitionMoves {

    private static final long RETRY_NS = 50_000_000L;
    /** A leader that keeps leading this long after being asked to hand over is asked again. */
    private static final long TRANSFER_RETRY_NS = 500_000_000L;

    /** One move in flight. */
    private static final class Move {
        final long group;
        final long source;
        final long target;
        /** When the source leads at its removal: true, it is removed as the leader; false, it hands over first. */
        final boolean removeLeaderDirectly;
        /** The commit the target must apply before its promotion; -1 until it is seen as a learner. */
        long promoteAtCommit = -1;
        /** Whether the leader has applied the source's removal (then its replica is destroyed). */
        boolean removed;
        /** The source's incarnation in which its destruction was asked; 0 when it must be asked (again). */
        long destroyAskedIncarnation;
        long transferAskedNs = -1;
        boolean leaderCounted;
        boolean powerCutDrawn;

        Move(long group, long source, long target, boolean removeLeaderDirectly) {
            this.group = group;
            this.source = source;
            this.target = target;
            this.removeLeaderDirectly = removeLeaderDirectly;
        }
    }

    private final RuntimeControl control;
    private final Scheduler scheduler;
    private final SimRandom random;
    private final SimRandom powerCutRandom;
    private final Trace trace;
    private final RuntimeNode[] nodes;
    private final int groups;
    private final Placement placement;
    private final TreeMap<Long, Move> moves = new TreeMap<>();
    private long started;
    private long completed;
    private long leaderTransfers;
    private long leaderRemovals;
    private long destroysRepeated;
    private long targetsRefused;
    /** Told of a source whose replica is about to be destroyed, now and then (the nemesis may cut its power). */
    private java.util.function.Consumer<RuntimeNode> duringDestroy;
    /** The planted bug {@code keep-moved-replica}: a move ends without destroying its source's replica. */
    private boolean plantedKeepSource;

    /**
     * @param random the moves' choices (a stream of its own)
     * @param powerCutRandom the power cuts inside destructions ({@link #onDestroy}): another stream, so
     *     that drawing them leaves the moves' choices as they were
     */
    PartitionMoves(RuntimeControl control, Scheduler scheduler, SimRandom random, SimRandom powerCutRandom, Trace trace,
                   RuntimeNode[] nodes, int groups, Placement placement) {
        this.control = control;
        this.scheduler = scheduler;
        this.random = random;
        this.powerCutRandom = powerCutRandom;
        this.trace = trace;
        this.nodes = nodes;
        this.groups = groups;
        this.placement = placement;
    }

    /** Plants the bug {@code keep-moved-replica}: moves end once the source is removed, its replica left in place. */
    void plantKeepSource() {
        plantedKeepSource = true;
    }

    /** Moves that did not start because the target's storage refused the new replica (a full or failing disk). */
    long targetsRefused() {
        return targetsRefused;
    }

    /**
     * From now on, a quarter of the moves tell {@code listener} of their source as its replica's
     * destruction is first asked: the nemesis cuts the power inside the destruction (a torn crash),
     * so that the restart finds the group whole or gone and the move destroys it again when whole.
     */
    void onDestroy(java.util.function.Consumer<RuntimeNode> listener) {
        duringDestroy = listener;
    }

    /** Destructions asked again: the source restarted before its replica's deletion was durable. */
    long destroysRepeated() {
        return destroysRepeated;
    }

    /** The seeded stream the nemesis draws the power cuts inside destructions from. */
    SimRandom powerCutRandom() {
        return powerCutRandom;
    }

    /** The seeded stream the nemesis schedules moves with. */
    SimRandom random() {
        return random;
    }

    boolean inFlight() {
        return !moves.isEmpty();
    }

    boolean moving(long group) {
        return moves.containsKey(group);
    }

    long started() {
        return started;
    }

    long completed() {
        return completed;
    }

    /** Moves whose source led at its removal and handed leadership over first. */
    long leaderTransfers() {
        return leaderTransfers;
    }

    /** Moves whose source led at its removal and was removed as the leader. */
    long leaderRemovals() {
        return leaderRemovals;
    }

    /** A move of the group in flight, described; null when none. */
    String describe(long group) {
        Move m = moves.get(group);
        return m == null ? null : "move of group " + group + " from node " + m.source + " to node " + m.target
                + (m.removed ? " (source removed, its replica being destroyed)" : "");
    }

    /**
     * Starts moving a random steady group's replica from one of its voters to an up node that does not
     * host it; returns the target, or 0 when nothing fits now (the group is not steady, no node can
     * take it, the target's disk refused the new replica).
     */
    long start() {
        List<Long> steady = new ArrayList<>();
        for (long g = 1; g <= groups; g++) {
            if (!moves.containsKey(g) && control.steady(g)) {
                steady.add(g);
            }
        }
        if (steady.isEmpty()) {
            return 0;
        }
        long g = random.pick(steady);
        List<Long> targets = new ArrayList<>();
        for (int t = 1; t < nodes.length; t++) {
            RuntimeNode n = nodes[t];
            if (n.isUp() && !n.isPaused() && !placement.hosts(g, t) && !n.storesGroup(g) && n.replica(g) == null) {
                targets.add((long) t);
            }
        }
        if (targets.isEmpty()) {
            return 0;
        }
        long source = random.pick(new ArrayList<>(placement.voters(g)));
        long target = random.pick(targets);
        boolean direct = random.chance(0.5);
        if (!nodes[(int) target].hostGroup(g, placement.genesis(g))) {
            targetsRefused++;
            return 0;
        }
        placement.startMove(g, source, target);
        moves.put(g, new Move(g, source, target, direct));
        started++;
        trace.record(scheduler.nowNs(), "control.move", g, source, target, direct ? 1 : 0);
        scheduler.after(RETRY_NS, () -> reconcile(g));
        return target;
    }

    /** One step of group {@code g}'s move, every {@link #RETRY_NS} until it has ended. */
    private void reconcile(long g) {
        Move m = moves.get(g);
        if (m == null) {
            return;
        }
        if (!m.removed) {
            Replica leader = control.leaderOf(g);
            if (leader != null && !leader.raft().confState().isJoint()) {
                membershipStep(m, leader);
            }
        }
        if (m.removed && destroyStep(m)) {
            moves.remove(g);
            completed++;
            trace.record(scheduler.nowNs(), "control.moved", g, m.source, m.target, 0);
            return;
        }
        scheduler.after(RETRY_NS, () -> reconcile(g));
    }

    /** Adds the target as a learner, promotes it once caught up, then removes the source. */
    private void membershipStep(Move m, Replica leader) {
        ConfState cs = leader.raft().confState();
        long g = m.group;
        boolean targetVoter = cs.voters().contains(m.target);
        boolean targetLearner = cs.learners().contains(m.target);
        boolean sourceMember = cs.voters().contains(m.source) || cs.learners().contains(m.source);
        if (!targetVoter && !targetLearner) {
            control.propose(g, ConfChange.addLearner(m.target));
        } else if (targetLearner) {
            if (m.promoteAtCommit < 0) {
                m.promoteAtCommit = leader.raft().commitIndex();
            }
            Replica r = nodes[(int) m.target].replica(g);
            GroupStatus s = r == null ? null : r.status();
            if (s != null && !s.rejoining() && s.appliedIndex() >= m.promoteAtCommit) {
                control.propose(g, ConfChange.addVoter(m.target));
            }
        } else if (sourceMember) {
            removeSource(m, leader);
        } else {
            m.removed = true; // the leader applied a membership without the source: it is committed
            placement.dropHost(g, m.source);
            trace.record(scheduler.nowNs(), "control.move-removed", g, m.source, leader.nodeId(), 0);
        }
    }

    private void removeSource(Move m, Replica leader) {
        long g = m.group;
        if (leader.nodeId() != m.source) {
            control.propose(g, ConfChange.remove(m.source));
            return;
        }
        if (!m.leaderCounted) {
            m.leaderCounted = true;
            if (m.removeLeaderDirectly) {
                leaderRemovals++;
            } else {
                leaderTransfers++;
            }
        }
        if (m.removeLeaderDirectly) {
            control.propose(g, ConfChange.remove(m.source));
            return;
        }
        long now = scheduler.nowNs();
        if (m.transferAskedNs >= 0 && now - m.transferAskedNs < TRANSFER_RETRY_NS) {
            return;
        }
        List<Long> to = new ArrayList<>(leader.raft().confState().voters());
        to.remove(m.source);
        to.removeIf(v -> !control.canLead(v, g));
        if (!to.isEmpty()) {
            long target = random.pick(to);
            nodes[(int) m.source].transferLeadership(g, target);
            m.transferAskedNs = now;
            trace.record(now, "control.move-handover", g, m.source, target, 0);
        }
    }

    /**
     * Destroys the source's replica (again after a restart that recovered it); true once the source is
     * up and its storage no longer holds the group. Should a leader list the source again (a recovered
     * replica of it asking to rejoin), it is removed again.
     */
    private boolean destroyStep(Move m) {
        long g = m.group;
        Replica leader = control.leaderOf(g);
        if (leader != null && !leader.raft().confState().isJoint()) {
            ConfState cs = leader.raft().confState();
            if (cs.voters().contains(m.source) || cs.learners().contains(m.source)) {
                control.propose(g, ConfChange.remove(m.source));
            }
        }
        RuntimeNode node = nodes[(int) m.source];
        if (plantedKeepSource) {
            return true;
        }
        if (!node.isUp()) {
            node.destroyGroup(g); // not hosted any more: a wipe does not create it again
            return false;
        }
        if (!node.storesGroup(g) && node.replica(g) == null) {
            return true;
        }
        if (m.destroyAskedIncarnation != node.incarnation()) {
            long incarnation = node.incarnation();
            if (duringDestroy != null && !m.powerCutDrawn) {
                m.powerCutDrawn = true;
                if (powerCutRandom.chance(0.25)) {
                    duringDestroy.accept(node);
                }
            }
            if (m.destroyAskedIncarnation != 0) {
                destroysRepeated++;
            }
            m.destroyAskedIncarnation = incarnation;
            CompletableFuture<Void> f = node.destroyGroup(g);
            if (f != null) {
                f.whenComplete((v, e) -> {
                    trace.record(scheduler.nowNs(), "control.destroyed", g, m.source, e == null ? 1 : 0, 0);
                    if (e != null && m.destroyAskedIncarnation == incarnation) {
                        m.destroyAskedIncarnation = 0; // failed (e.g. the loop's queue was full): ask again
                    }
                });
            }
        }
        return false;
    }

    /** How many groups have voters other than their genesis ones now (for the run's summary). */
    static long groupsAway(Placement placement, int groups) {
        long away = 0;
        for (long g = 1; g <= groups; g++) {
            Set<Long> v = placement.voters(g);
            if (!v.equals(placement.genesis(g))) {
                away++;
            }
        }
        return away;
    }
}
