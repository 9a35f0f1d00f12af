package io.conclave.multiraft.support;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.replica.GroupStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Election safety as observed from outside: every sample of every replica's status is recorded as
 * (group, term) → leader; two different leaders seen for one term of one group is a violation.
 */
public final class LeaderLog {

    private final Map<Long, Map<Long, Long>> leaderByTerm = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long samples;

    /** Samples every running node's replica of each group once. */
    public void sample(Collection<RaftRuntime> nodes, Collection<Long> groupIds) {
        for (RaftRuntime r : nodes) {
            for (long g : groupIds) {
                GroupStatus s;
                try {
                    s = r.status(g).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    continue;
                }
                record(g, s);
            }
        }
    }

    /** Records one observation. */
    public void record(long groupId, GroupStatus s) {
        samples++;
        if (!s.isLeader()) {
            return;
        }
        Long before = leaderByTerm.computeIfAbsent(groupId, k -> new HashMap<>()).putIfAbsent(s.term(), s.nodeId());
        if (before != null && before != s.nodeId()) {
            violations.add("group " + groupId + " term " + s.term() + ": leaders " + before + " and " + s.nodeId());
        }
    }

    public List<String> violations() {
        return violations;
    }

    public long samples() {
        return samples;
    }
}
