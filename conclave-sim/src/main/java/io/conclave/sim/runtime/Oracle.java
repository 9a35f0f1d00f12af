package io.conclave.sim.runtime;

import io.conclave.raft.Entry;
import io.conclave.sim.core.Trace;
import io.conclave.sim.invariant.InvariantViolation;
import java.util.HashMap;
import java.util.Map;

/**
 * What the whole cluster has applied, per group and index: the first replica to apply an index fixes
 * its entry's fingerprint (term and data); every later apply of that index, on any replica of any
 * incarnation, must match it (state-machine safety: committed prefixes are identical). It also keeps
 * the leader seen per (group, term) (at most one leader per term) and the acknowledged proposals.
 */
final class Oracle {

    private final Map<Long, Map<Long, Long>> appliedByGroup = new HashMap<>();
    private final Map<Long, Map<Long, Long>> leaderByGroupTerm = new HashMap<>();
    private final Map<Long, Long> ackedIndexMax = new HashMap<>();
    private long appliesChecked;

    static long fingerprint(Entry e) {
        long h = 0xcbf29ce484222325L ^ e.term();
        for (byte b : e.data()) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Replica {@code nodeId} applied {@code e} of {@code groupId}; throws if it differs from what was applied before. */
    void onApplied(long nodeId, long groupId, Entry e) {
        appliesChecked++;
        long fp = fingerprint(e);
        Long first = appliedByGroup.computeIfAbsent(groupId, k -> new HashMap<>()).putIfAbsent(e.index(), fp);
        if (first != null && first != fp) {
            throw new InvariantViolation("state-machine-safety", "group " + groupId + ": node " + nodeId
                    + " applied entry " + e.index() + "/" + e.term() + " with fingerprint " + Long.toHexString(fp)
                    + ", another replica applied " + Long.toHexString(first) + " at that index");
        }
    }

    /** {@code nodeId} leads {@code groupId} in {@code term}; throws when another node led that term. */
    void onLeader(long groupId, long term, long nodeId) {
        Long other = leaderByGroupTerm.computeIfAbsent(groupId, k -> new HashMap<>()).putIfAbsent(term, nodeId);
        if (other != null && other != nodeId) {
            throw new InvariantViolation("one-leader-per-term", "group " + groupId + " term " + term
                    + ": nodes " + other + " and " + nodeId + " both led");
        }
    }

    /** A client was told its proposal is applied at {@code index} of {@code groupId}. */
    void onAcknowledged(long groupId, long index) {
        ackedIndexMax.merge(groupId, index, Math::max);
    }

    Map<Long, Long> ackedIndexMax() {
        return ackedIndexMax;
    }

    /** The fingerprint fixed at {@code index} of {@code groupId}, or null when nobody applied it. */
    Long appliedAt(long groupId, long index) {
        Map<Long, Long> m = appliedByGroup.get(groupId);
        return m == null ? null : m.get(index);
    }

    long appliesChecked() {
        return appliesChecked;
    }

    /** Mixes the oracle's counts into the trace at the end of a run. */
    void recordTo(Trace trace, long nowNs) {
        trace.record(nowNs, "oracle", appliesChecked, appliedByGroup.size(), ackedIndexMax.size(), 0);
    }
}
