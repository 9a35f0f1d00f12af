package io.conclave.sim.cluster;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RaftStatus;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.disk.MemorySimStorage;
import io.conclave.sim.node.HostBug;
import io.conclave.sim.node.SimNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The simulated control plane: for each group, the voters and learners it wants, and a reconciler
 * that moves each group's actual membership towards them one change at a time through the group's
 * leader (add as learner, promote once caught up, demote, remove), then deletes replicas that are
 * no longer members. A wiped node rejoins as new replicas (new ids): the old ids are removed and
 * the new ones added as learners, then promoted.
 */
public final class ControlPlane {

    /** Reconcile rounds run this often. */
    static final long ROUND_NS = 100_000_000L;
    /** A learner within this many entries of the leader's commit index counts as caught up. */
    static final long CAUGHT_UP_SLACK = 10;

    private final Cluster cluster;
    private final Scheduler scheduler;
    private final SimRandom random;
    private final TreeMap<Integer, Wanted> wanted = new TreeMap<>();
    private final TreeSet<Integer> dirty = new TreeSet<>();
    private final TreeSet<Integer> wipingNodes = new TreeSet<>();
    private long changesProposed;

    private static final class Wanted {
        long[] genesis;
        final TreeSet<Long> voters = new TreeSet<>();
        final TreeSet<Long> learners = new TreeSet<>();
    }

    ControlPlane(Cluster cluster, Scheduler scheduler, SimRandom random) {
        this.cluster = cluster;
        this.scheduler = scheduler;
        this.random = random;
    }

    void register(int group, long[] voters) {
        Wanted w = new Wanted();
        w.genesis = voters.clone();
        for (long v : voters) {
            w.voters.add(v);
        }
        wanted.put(group, w);
    }

    void start() {
        scheduler.after(ROUND_NS, this::round);
    }

    public long changesProposed() {
        return changesProposed;
    }

    /** What the control plane wants for a group, for failure reports. */
    public String wantedText(int g) {
        Wanted w = wanted.get(g);
        return "wanted voters " + w.voters + " learners " + w.learners;
    }

    public List<Integer> dirtyGroups() {
        return new ArrayList<>(dirty);
    }

    private void round() {
        for (int g : new ArrayList<>(dirty)) {
            reconcile(g);
        }
        if (dirty.isEmpty()) {
            wipingNodes.clear();
        }
        scheduler.after(ROUND_NS, this::round);
    }

    private void reconcile(int g) {
        int leaderNode = cluster.leaderNode(g);
        if (leaderNode == 0) {
            return;
        }
        SimNode node = cluster.node(leaderNode);
        RaftNode raft = node.raft(g);
        ConfState cs = raft.confState();
        if (cs.isJoint()) {
            return;
        }
        Wanted w = wanted.get(g);
        for (long v : w.voters) {
            if (!cs.voters().contains(v)) {
                if (!cs.learners().contains(v)) {
                    propose(node, g, ConfChange.addLearner(v));
                } else if (caughtUp(raft, v)) {
                    propose(node, g, ConfChange.addVoter(v));
                }
                return;
            }
        }
        for (long l : w.learners) {
            if (!cs.learners().contains(l)) {
                propose(node, g, ConfChange.addLearner(l));
                return;
            }
        }
        for (long m : cs.allMembers()) {
            if (!w.voters.contains(m) && !w.learners.contains(m)) {
                propose(node, g, ConfChange.remove(m));
                return;
            }
        }
        RaftStatus st = raft.status();
        if (st.applied() < st.lastIndex()) {
            return; // a stale membership proposal may still be in the log: not settled until applied
        }
        for (int i = 1; i <= cluster.nodeCount(); i++) {
            long rid = cluster.node(i).replicaId(g);
            if (rid != 0 && !cs.allMembers().contains(rid)) {
                cluster.node(i).removeReplica(g);
            }
        }
        dirty.remove(g);
    }

    private static boolean caughtUp(RaftNode leader, long id) {
        RaftStatus st = leader.status();
        RaftStatus.PeerProgress p = st.progress().get(id);
        return p != null && p.match() + CAUGHT_UP_SLACK >= leader.commitIndex();
    }

    private void propose(SimNode leader, int g, ConfChange cc) {
        leader.control(g, raft -> {
            if (raft.proposeConfChange(cc).accepted()) {
                changesProposed++;
                cluster.trace().record(scheduler.nowNs(), "control.propose", g, cc.changes().get(0).nodeId(),
                        cc.changes().get(0).type().ordinal(), 0);
            }
        });
    }

    /**
     * The group's first voters. A new replica starts from the group's genesis (the bootstrap snapshot
     * at index 0 with these voters) and replays the log from index 1, so it learns every membership
     * change since; when the leader has compacted, it sends a snapshot carrying the membership instead.
     */
    long[] genesis(int g) {
        return wanted.get(g).genesis.clone();
    }

    boolean moveReplica(int g) {
        if (cluster.nodeCount() <= cluster.config().replicasPerGroup() || dirty.contains(g)) {
            return false;
        }
        List<Integer> hosts = cluster.nodesOf(g);
        List<Integer> others = new ArrayList<>();
        for (int i = 1; i <= cluster.nodeCount(); i++) {
            if (!hosts.contains(i) && !wipingNodes.contains(i)) {
                others.add(i);
            }
        }
        if (others.isEmpty() || hosts.isEmpty()) {
            return false;
        }
        int from = random.pick(hosts);
        int to = random.pick(others);
        long oldId = cluster.node(from).replicaId(g);
        long newId = cluster.addEmptyReplica(to, g);
        Wanted w = wanted.get(g);
        w.voters.remove(oldId);
        w.learners.remove(oldId);
        w.voters.add(newId);
        dirty.add(g);
        return true;
    }

    boolean demoteVoter(int g, long promoteAfterNs) {
        Wanted w = wanted.get(g);
        if (dirty.contains(g) || w.voters.size() < 3) {
            return false;
        }
        long x = random.pick(new ArrayList<>(w.voters));
        w.voters.remove(x);
        w.learners.add(x);
        dirty.add(g);
        scheduler.after(promoteAfterNs, () -> {
            if (w.learners.remove(x)) {
                w.voters.add(x);
                dirty.add(g);
            }
        });
        return true;
    }

    boolean transferLeadership(int g) {
        int leaderNode = cluster.leaderNode(g);
        if (leaderNode == 0) {
            return false;
        }
        RaftNode raft = cluster.node(leaderNode).raft(g);
        List<Long> voters = new ArrayList<>(raft.confState().voters());
        voters.remove(Long.valueOf(cluster.node(leaderNode).replicaId(g)));
        if (voters.isEmpty()) {
            return false;
        }
        long to = random.pick(voters);
        return cluster.node(leaderNode).control(g, r -> r.transferLeadership(to));
    }

    /**
     * Wipes a node's disk: it restarts with empty storage, and every group it hosts replaces the old
     * replica id by a new one. Refused while any group is still reconfiguring or runs with fewer than
     * three wanted voters, so at most one replica of a group is ever missing its data and a majority
     * with the data always remains.
     */
    boolean wipe(int id) {
        if (!dirty.isEmpty()) {
            return false;
        }
        SimNode node = cluster.node(id);
        for (int g : node.groups()) {
            Wanted w = wanted.get(g);
            if (!w.learners.isEmpty() || w.voters.size() < 3) {
                return false; // losing this replica's data could leave no majority with the data
            }
        }
        node.crash();
        wipingNodes.add(id);
        for (int g : node.groups()) {
            long oldId = node.replicaId(g);
            long newId = cluster.nextReplicaId(id, g);
            MemorySimStorage s = MemorySimStorage.bootstrap(genesis(g),
                    cluster.config().bugs().contains(HostBug.DROP_FSYNC));
            node.replaceReplica(g, newId, s);
            cluster.registerStorage(g, newId, s);
            Wanted w = wanted.get(g);
            boolean wasLearner = w.learners.remove(oldId);
            w.voters.remove(oldId);
            (wasLearner ? w.learners : w.voters).add(newId);
            dirty.add(g);
        }
        cluster.trace().record(scheduler.nowNs(), "control.wipe", id, 0);
        scheduler.after(random.between(10_000_000L, 1_000_000_000L), () -> {
            if (node.state() == SimNode.State.DOWN) {
                node.start();
            }
        });
        return true;
    }
}
