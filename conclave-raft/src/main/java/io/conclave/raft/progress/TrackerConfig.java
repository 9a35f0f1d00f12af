package io.conclave.raft.progress;

import io.conclave.raft.ConfState;
import io.conclave.raft.quorum.JointConfig;
import io.conclave.raft.quorum.MajorityConfig;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A group's membership as the tracker uses it. Immutable.
 *
 * @param voters the incoming and (while joint) outgoing voter sets
 * @param learners non-voting members
 * @param learnersNext outgoing voters that become learners when the joint configuration is left
 * @param autoLeave whether the leader leaves the joint configuration by itself
 */
public record TrackerConfig(JointConfig voters, SortedSet<Long> learners, SortedSet<Long> learnersNext,
                            boolean autoLeave) {

    public static final TrackerConfig EMPTY = new TrackerConfig(JointConfig.EMPTY, Collections.emptySortedSet(),
            Collections.emptySortedSet(), false);

    public TrackerConfig {
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        learnersNext = Collections.unmodifiableSortedSet(new TreeSet<>(learnersNext));
    }

    public static TrackerConfig of(ConfState cs) {
        return new TrackerConfig(new JointConfig(new MajorityConfig(cs.voters()), new MajorityConfig(cs.votersOutgoing())),
                cs.learners(), cs.learnersNext(), cs.autoLeave());
    }

    public ConfState toConfState() {
        return new ConfState(voters.incoming().ids(), learners, voters.outgoing().ids(), learnersNext, autoLeave);
    }

    public boolean isJoint() {
        return voters.isJoint();
    }
}
