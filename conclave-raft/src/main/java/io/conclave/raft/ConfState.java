package io.conclave.raft;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A group's membership as stored with snapshots and reported after a configuration change.
 * Sets are sorted and immutable, so iteration order (and so every output of the core) is
 * deterministic.
 *
 * @param voters the voters of the incoming (or only) configuration
 * @param learners non-voting members that receive the log
 * @param votersOutgoing the voters of the outgoing configuration while joint; empty otherwise
 * @param learnersNext nodes that become learners when the joint configuration is left (they are
 *     voters in the outgoing configuration until then)
 * @param autoLeave whether the leader leaves the joint configuration by itself once it is committed
 */
public record ConfState(SortedSet<Long> voters, SortedSet<Long> learners, SortedSet<Long> votersOutgoing,
                        SortedSet<Long> learnersNext, boolean autoLeave) {

    public static final ConfState EMPTY = new ConfState(Set.of(), Set.of(), Set.of(), Set.of(), false);

    public ConfState(Set<Long> voters, Set<Long> learners, Set<Long> votersOutgoing, Set<Long> learnersNext,
                     boolean autoLeave) {
        this(sorted(voters), sorted(learners), sorted(votersOutgoing), sorted(learnersNext), autoLeave);
    }

    public ConfState {
        voters = sorted(voters);
        learners = sorted(learners);
        votersOutgoing = sorted(votersOutgoing);
        learnersNext = sorted(learnersNext);
        for (Long l : learners) {
            if (voters.contains(l) || votersOutgoing.contains(l)) {
                throw new IllegalArgumentException("node " + l + " is both a voter and a learner");
            }
        }
        if (!votersOutgoing.isEmpty() || !learnersNext.isEmpty()) {
            for (Long l : learnersNext) {
                if (!votersOutgoing.contains(l)) {
                    throw new IllegalArgumentException("learnerNext " + l + " is not an outgoing voter");
                }
            }
        } else if (autoLeave) {
            throw new IllegalArgumentException("autoLeave set outside a joint configuration");
        }
    }

    /** A simple (non-joint) configuration of the given voters and no learners. */
    public static ConfState ofVoters(long... ids) {
        TreeSet<Long> v = new TreeSet<>();
        for (long id : ids) {
            v.add(id);
        }
        return new ConfState(v, Set.of(), Set.of(), Set.of(), false);
    }

    public boolean isJoint() {
        return !votersOutgoing.isEmpty();
    }

    /** Every member, voter or learner, in either half of a joint configuration. */
    public SortedSet<Long> allMembers() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(learners);
        all.addAll(votersOutgoing);
        all.addAll(learnersNext);
        return Collections.unmodifiableSortedSet(all);
    }

    private static SortedSet<Long> sorted(Set<Long> s) {
        if (s == null || s.isEmpty()) {
            return Collections.emptySortedSet();
        }
        return Collections.unmodifiableSortedSet(new TreeSet<>(s));
    }
}
