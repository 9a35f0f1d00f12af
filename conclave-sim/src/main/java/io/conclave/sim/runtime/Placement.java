package io.conclave.sim.runtime;

import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where each group lives in a runtime run, as the simulated control plane intends it: the group's
 * genesis voters (fixed at creation: every replica of the group, wherever and whenever it is created,
 * starts from that membership), its current voters (what its membership must end at: changed when a
 * move starts) and the nodes that host a replica of it (the voters plus, while a move runs, its
 * target before it is a voter and its source until its replica's destruction has been asked for), and
 * the learners it keeps for good (a metadata group's, on the nodes that are none of its voters).
 * The checks, the settle condition and the operator's choices read it; only {@link RuntimeControl}
 * changes it. Scheduler thread only.
 */
final class Placement {

    private final TreeMap<Long, Set<Long>> genesis = new TreeMap<>();
    private final TreeMap<Long, TreeSet<Long>> voters = new TreeMap<>();
    private final TreeMap<Long, TreeSet<Long>> hosts = new TreeMap<>();
    /** Non-voting members a group keeps for good (a metadata group's learners on every other node); none for most. */
    private final TreeMap<Long, Set<Long>> learners = new TreeMap<>();

    /** Places a new group on {@code initialVoters}, which are also its genesis membership. */
    void place(long group, Set<Long> initialVoters) {
        if (genesis.containsKey(group)) {
            throw new IllegalStateException("group " + group + " is already placed");
        }
        genesis.put(group, Set.copyOf(initialVoters));
        voters.put(group, new TreeSet<>(initialVoters));
        hosts.put(group, new TreeSet<>(initialVoters));
    }

    /**
     * Gives a placed group {@code nodes} as learners for good: every node of a metadata run that is none of
     * the group's voters applies its image as a learner, as every node of a cluster applies the
     * controller's (DESIGN §6). They are part of its genesis membership; moves never touch them.
     */
    void placeLearners(long group, Set<Long> nodes) {
        TreeSet<Long> v = require(voters.get(group), group);
        for (long n : nodes) {
            if (v.contains(n)) {
                throw new IllegalStateException("group " + group + ": node " + n + " is a voter, not a learner");
            }
        }
        learners.put(group, Set.copyOf(nodes));
    }

    /** The group's learners for good ({@link #placeLearners}); empty for most groups. */
    Set<Long> learners(long group) {
        require(voters.get(group), group);
        return new TreeSet<>(learners.getOrDefault(group, Set.of()));
    }

    /** The group's genesis voters. */
    Set<Long> genesis(long group) {
        return require(genesis.get(group), group);
    }

    /** The voters the group's membership must end at (a copy). */
    Set<Long> voters(long group) {
        return new TreeSet<>(require(voters.get(group), group));
    }

    /** The nodes that host, or are about to host, a replica of the group (a copy). */
    Set<Long> hosts(long group) {
        return new TreeSet<>(require(hosts.get(group), group));
    }

    /** Whether node {@code node} hosts a replica of the group by this placement. */
    boolean hosts(long group, long node) {
        return require(hosts.get(group), group).contains(node);
    }

    /** A move starts: {@code target} hosts a replica and replaces {@code source} among the voters. */
    void startMove(long group, long source, long target) {
        TreeSet<Long> v = require(voters.get(group), group);
        if (!v.contains(source) || v.contains(target) || hosts(group, target)) {
            throw new IllegalStateException("group " + group + ": cannot move from " + source + " to " + target
                    + " with voters " + v + " and hosts " + hosts.get(group));
        }
        v.remove(source);
        v.add(target);
        hosts.get(group).add(target);
    }

    /** The source of a move no longer hosts the group: its replica's destruction was asked for. */
    void dropHost(long group, long node) {
        if (require(voters.get(group), group).contains(node)) {
            throw new IllegalStateException("group " + group + ": node " + node + " is still one of its voters");
        }
        hosts.get(group).remove(node);
    }

    private static <T> T require(T value, long group) {
        if (value == null) {
            throw new IllegalArgumentException("group " + group + " is not placed");
        }
        return value;
    }
}
