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
import java.util.function.LongFunction;

/**
 * Control-plane events mid-run, through the runtime's own membership API ({@code Replica.changeMembership},
 * {@code Replica.transferLeadership}) on the node whose replica leads:
 *
 * <ul>
 *   <li><b>membership</b>: a voter other than the leader is either demoted to learner or removed from
 *       the group, then (re-)added as a learner, caught up, and promoted back to voter once it has
 *       applied everything committed when it became a learner — the same rule the runtime's rejoin
 *       follows. A reconfiguration runs to its end even after the faults heal, one per group at a time;
 *       the run settles only when every group is back to its voters with no learner;</li>
 *   <li><b>transfer</b>: the leader is asked to hand leadership to another voter;</li>
 *   <li><b>move</b>: a replica moves to a node that does not host the group ({@link PartitionMoves}).</li>
 * </ul>
 *
 * Runs on the scheduler's thread; every choice is drawn from the run's seed.
 */
final class RuntimeControl {

    private static final long RETRY_NS = 50_000_000L;

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final RuntimeNode[] nodes;
    private final int groups;
    private final Placement placement;
    private final LongFunction<Set<Long>> votersOf;
    private final PartitionMoves moves;
    /**
     * Groups with a reconfiguration in flight: {member moved, the commit it must apply before its
     * promotion (-1 until it is a learner), 1 when it was removed rather than demoted}.
     */
    private final TreeMap<Long, long[]> moving = new TreeMap<>();
    /** Groups whose leader must change after a replica lost data: group → {the node, the term then}. */
    private final TreeMap<Long, long[]> leaderMoves = new TreeMap<>();
    private long reconfigurations;
    private long transfers;

    RuntimeControl(Scheduler scheduler, SimRandom random, Trace trace, RuntimeNode[] nodes, int groups,
                   Placement placement, SimRandom moveRandom, SimRandom powerCutRandom) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.nodes = nodes;
        this.groups = groups;
        this.placement = placement;
        this.votersOf = placement::voters;
        this.moves = new PartitionMoves(this, scheduler, moveRandom, powerCutRandom, trace, nodes, groups, placement);
    }

    /** Whether any group is being reconfigured or moved, or must still change leader (the nemesis holds data loss back). */
    boolean reconfiguring() {
        return !moving.isEmpty() || !leaderMoves.isEmpty() || moves.inFlight();
    }

    /** The partition moves (the {@code move} fault). */
    PartitionMoves moves() {
        return moves;
    }

    /**
     * Node {@code nodeId} came back without data it had acknowledged (a wiped disk, corruption the
     * engine cut): every group it is in must get a leader elected after this point. The core never
     * lowers a peer's {@code matchIndex}, so a leader from before the loss treats the rejoining
     * replica's rejections as stale and keeps sending appends it cannot accept (seed 13 of
     * {@code RuntimeFaultsTest}: a storm). The operator's procedure, done here: each such group's
     * leader hands leadership to another voter; a new leader starts every peer's progress afresh.
     */
    void afterDataLoss(long nodeId) {
        for (long g = 1; g <= groups; g++) {
            if (!votersOf.apply(g).contains(nodeId) && !placement.learners(g).contains(nodeId)) {
                continue; // a learner's leader, too, must start its progress afresh (it only sends, never votes)
            }
            long term = 0;
            for (long v : placement.hosts(g)) {
                Replica r = nodes[(int) v].replica(g);
                term = Math.max(term, r == null ? 0 : r.raft().term());
            }
            leaderMoves.put(g, new long[] {nodeId, term});
        }
        trace.record(scheduler.nowNs(), "control.after-data-loss", nodeId, leaderMoves.size(), 0, 0);
        moveLeaders();
    }

    private boolean moveScheduled;

    private void moveLeaders() {
        for (var it = leaderMoves.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            long g = e.getKey();
            long lost = e.getValue()[0];
            Replica leader = leaderOf(g);
            if (leader == null) {
                continue;
            }
            if (leader.raft().term() > e.getValue()[1]) {
                it.remove();
                continue;
            }
            List<Long> to = new ArrayList<>(leader.raft().confState().voters());
            to.remove(leader.nodeId());
            to.remove(lost);
            to.removeIf(v -> !canLead(v, g));
            if (!to.isEmpty()) {
                long target = random.pick(to);
                nodes[(int) leader.nodeId()].transferLeadership(g, target);
                transfers++;
                trace.record(scheduler.nowNs(), "control.move-leader", g, leader.nodeId(), target, 0);
            }
        }
        if (!leaderMoves.isEmpty() && !moveScheduled) {
            moveScheduled = true;
            scheduler.after(RETRY_NS, () -> {
                moveScheduled = false;
                moveLeaders();
            });
        }
    }

    long reconfigurations() {
        return reconfigurations;
    }

    long transfers() {
        return transfers;
    }

    /** The replica leading {@code g} among the nodes hosting it, or null. */
    Replica leaderOf(long g) {
        for (long v : placement.hosts(g)) {
            Replica r = nodes[(int) v].replica(g);
            if (r != null && !r.isBroken() && r.raft().isLeader()) {
                return r;
            }
        }
        return null;
    }

    /**
     * Whether every replica of {@code g} is up, not rejoining, hosted only by its voters (and the learners
     * it keeps for good), and its leader sees exactly the voters and learners the placement gives it.
     */
    boolean steady(long g) {
        Replica leader = leaderOf(g);
        if (leader == null || moving.containsKey(g) || moves.moving(g) || !placement.hosts(g).equals(votersOf.apply(g))) {
            return false;
        }
        ConfState cs = leader.raft().confState();
        if (cs.isJoint() || !cs.learners().equals(placement.learners(g)) || !cs.voters().equals(votersOf.apply(g))) {
            return false;
        }
        for (long v : votersOf.apply(g)) {
            Replica r = nodes[(int) v].replica(g);
            if (r == null || nodes[(int) v].isPaused() || r.status().rejoining()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The memberships group {@code g} may be in now, as far as anyone can tell: the voters the placement
     * gives it and the applied voters of each of its replicas that is up (both halves of a joint one) —
     * replicas lag, so a crash must leave a quorum in each.
     */
    List<Set<Long>> membershipsOf(long g) {
        List<Set<Long>> out = new ArrayList<>();
        out.add(votersOf.apply(g));
        for (long v : placement.hosts(g)) {
            Replica r = nodes[(int) v].replica(g);
            if (r != null) {
                ConfState cs = r.raft().confState();
                out.add(cs.voters());
                if (cs.isJoint()) {
                    out.add(cs.votersOutgoing());
                }
            }
        }
        return out;
    }

    /** Whether node {@code v}'s replica of {@code g} is up and would vote (not rejoining, not broken). */
    boolean votes(long g, long v) {
        Replica r = nodes[(int) v].replica(g);
        return r != null && !r.isBroken() && !r.status().rejoining();
    }

    /** Whether a voter of {@code g} is being demoted or removed and added back (the membership fault). */
    boolean membershipChanging(long g) {
        return moving.containsKey(g);
    }

    /** Starts a reconfiguration of a random steady group; returns the member moved, or 0 when none fits. */
    long startMembershipChange() {
        long g = 1 + random.nextInt(groups);
        if (!steady(g)) {
            return 0;
        }
        Replica leader = leaderOf(g);
        List<Long> others = new ArrayList<>(votersOf.apply(g));
        others.remove(leader.nodeId());
        if (others.isEmpty()) {
            return 0;
        }
        long x = random.pick(others);
        boolean remove = random.chance(0.5);
        moving.put(g, new long[] {x, -1, remove ? 1 : 0});
        reconfigurations++;
        trace.record(scheduler.nowNs(), "control.reconfigure", g, x, remove ? 1 : 0, 0);
        propose(g, remove ? ConfChange.remove(x) : ConfChange.addLearner(x));
        scheduler.after(RETRY_NS, () -> reconcile(g));
        return x;
    }

    /**
     * Drives group {@code g}'s reconfiguration towards its voters: a moved member that is no member is
     * added as a learner; a caught-up learner is promoted; done once it is a voter again.
     */
    private void reconcile(long g) {
        long[] m = moving.get(g);
        if (m == null) {
            return;
        }
        long x = m[0];
        Replica leader = leaderOf(g);
        if (leader != null && !leader.raft().confState().isJoint()) {
            ConfState cs = leader.raft().confState();
            // Done only by a leader that has applied past the point the learner was seen: a new
            // leader that has not applied the demotion yet still shows the member as a voter (seed
            // 1062 of the metadata workload ended with it a learner that nobody promoted).
            if (cs.voters().contains(x) && !cs.learners().contains(x) && m[1] >= 0
                    && leader.status().appliedIndex() >= m[1]) {
                moving.remove(g);
                trace.record(scheduler.nowNs(), "control.reconfigured", g, x, 0, 0);
                return;
            }
            if (cs.voters().contains(x) && m[1] < 0) { // the first step was lost (leader change): again
                propose(g, m[2] == 1 ? ConfChange.remove(x) : ConfChange.addLearner(x));
            } else if (!cs.voters().contains(x) && !cs.learners().contains(x)) {
                propose(g, ConfChange.addLearner(x));
            } else if (cs.learners().contains(x)) {
                if (m[1] < 0) {
                    m[1] = leader.raft().commitIndex();
                }
                Replica r = nodes[(int) x].replica(g);
                GroupStatus s = r == null ? null : r.status();
                if (s != null && !s.rejoining() && s.appliedIndex() >= m[1]) {
                    propose(g, ConfChange.addVoter(x));
                }
            }
        }
        scheduler.after(RETRY_NS, () -> reconcile(g));
    }

    void propose(long g, ConfChange cc) {
        Replica leader = leaderOf(g);
        if (leader == null) {
            return;
        }
        CompletableFuture<Long> f = nodes[(int) leader.nodeId()].changeMembership(g, cc);
        if (f != null) {
            f.whenComplete((index, error) -> trace.record(scheduler.nowNs(), "control.conf-change", g,
                    error == null ? index : -1, 0, 0));
        }
    }

    /** Whether node {@code v}'s replica of {@code g} could take leadership: up, not broken, not rejoining. */
    boolean canLead(long v, long g) {
        Replica r = nodes[(int) v].replica(g);
        return r != null && !r.isBroken() && r.rejoinPhase() == null;
    }

    /**
     * The planted bug {@code promoted-learner} (not an operator's act): asks group 1's leader to promote its
     * lowest learner, every {@link #RETRY_NS} until it is a voter (bounded).
     */
    void promoteALearner(int attemptsLeft) {
        Set<Long> learners = placement.learners(1);
        Replica leader = leaderOf(1);
        if (learners.isEmpty() || attemptsLeft == 0
                || (leader != null && leader.raft().confState().voters().contains(learners.iterator().next()))) {
            return;
        }
        if (leader != null && !leader.raft().confState().isJoint()) {
            long learner = learners.iterator().next();
            trace.record(scheduler.nowNs(), "planted.promote-learner", 1, learner, 0, 0);
            nodes[(int) leader.nodeId()].changeMembership(1, ConfChange.addVoter(learner));
        }
        scheduler.after(RETRY_NS, () -> promoteALearner(attemptsLeft - 1));
    }

    /** Asks the leader of a random group to hand leadership to another voter; the target, or 0. */
    long transferLeadership() {
        long g = 1 + random.nextInt(groups);
        Replica leader = leaderOf(g);
        if (leader == null) {
            return 0;
        }
        List<Long> others = new ArrayList<>(leader.raft().confState().voters());
        others.remove(leader.nodeId());
        others.removeIf(v -> !canLead(v, g));
        if (others.isEmpty()) {
            return 0;
        }
        long to = random.pick(others);
        nodes[(int) leader.nodeId()].transferLeadership(g, to);
        transfers++;
        trace.record(scheduler.nowNs(), "control.transfer", g, leader.nodeId(), to, 0);
        return to;
    }
}
