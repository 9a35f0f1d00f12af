package io.conclave.sim.invariant;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The safety invariants of a run, fed by the node hosts as things happen. */
public final class Invariants {

    private final DurabilityView durability;
    /** (group, term) → leader replica id. */
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    /** (group, replica) → last hard state seen in this process life. */
    private final Map<String, HardState> liveHardState = new HashMap<>();
    /** (group, replica) → the highest hard state reported durable. */
    private final Map<String, HardState> durableHardState = new HashMap<>();
    /** (group, replica) → last applied index. */
    private final Map<String, Long> appliedIndex = new HashMap<>();
    /** group → committed entries by index: (term, data hash). */
    private final Map<Integer, Map<Long, long[]>> committed = new HashMap<>();
    private long checks;

    public Invariants(DurabilityView durability) {
        this.durability = durability;
    }

    public long checks() {
        return checks;
    }

    private static String key(int group, long replica) {
        return group + "/" + replica;
    }

    /** A replica became leader in {@code term}. */
    public void onLeader(int group, long replica, long term) {
        checks++;
        Long prev = leaderOfTerm.putIfAbsent(((long) group << 32) ^ term, replica);
        if (prev != null && prev != replica) {
            throw new InvariantViolation("one-leader-per-term",
                    "group " + group + " term " + term + " has leaders " + prev + " and " + replica);
        }
    }

    /** A Ready carried a hard state: within one process life, term and commit never go back. */
    public void onHardState(int group, long replica, HardState hs) {
        checks++;
        String k = key(group, replica);
        HardState prev = liveHardState.put(k, hs);
        if (prev != null && (hs.term() < prev.term() || hs.commit() < prev.commit())) {
            throw new InvariantViolation("monotonic-hard-state",
                    "group " + group + " replica " + replica + " went from " + prev + " to " + hs);
        }
        if (prev != null && hs.term() == prev.term() && prev.vote() != 0 && hs.vote() != prev.vote()) {
            throw new InvariantViolation("one-vote-per-term",
                    "group " + group + " replica " + replica + " changed its vote in term " + hs.term()
                            + " from " + prev.vote() + " to " + hs.vote());
        }
    }

    /** The host was told a hard state is durable. */
    public void onDurableReported(int group, long replica, HardState hs) {
        durableHardState.merge(key(group, replica), hs,
                (a, b) -> new HardState(Math.max(a.term(), b.term()), b.vote(), Math.max(a.commit(), b.commit())));
    }

    /** A replica restarted from its durable state: nothing reported durable may be missing. */
    public void onRestart(int group, long replica, HardState recovered) {
        checks++;
        String k = key(group, replica);
        HardState reported = durableHardState.get(k);
        if (reported != null && (recovered.term() < reported.term() || recovered.commit() < reported.commit())) {
            throw new InvariantViolation("durable-hard-state",
                    "group " + group + " replica " + replica + " restarted at " + recovered
                            + " after " + reported + " was reported durable");
        }
        liveHardState.put(k, recovered);
        appliedIndex.remove(k);
    }

    /** A replica applied a snapshot (or restarted from one) up to {@code index}. */
    public void onSnapshot(int group, long replica, long index) {
        appliedIndex.put(key(group, replica), index);
    }

    /** A replica applied a committed entry: indexes are consecutive and every replica applies the same entry. */
    public void onApply(int group, long replica, Entry e) {
        checks++;
        String k = key(group, replica);
        Long prev = appliedIndex.get(k);
        if (prev != null && e.index() != prev + 1) {
            throw new InvariantViolation("apply-in-order",
                    "group " + group + " replica " + replica + " applied " + e.index() + " after " + prev);
        }
        appliedIndex.put(k, e.index());
        long[] mine = {e.term(), Arrays.hashCode(e.data()) * 31L + e.type().ordinal()};
        long[] first = committed.computeIfAbsent(group, g -> new HashMap<>()).putIfAbsent(e.index(), mine);
        if (first != null && (first[0] != mine[0] || first[1] != mine[1])) {
            throw new InvariantViolation("state-machine-safety",
                    "group " + group + " replica " + replica + " applied term " + mine[0] + " at index " + e.index()
                            + " where another replica applied term " + first[0]);
        }
    }

    /**
     * A STRONG or LINEARIZABLE write at (index, term) is about to be acknowledged: a majority of the
     * voters (of both halves when joint) must have it durable. A configuration takes effect when
     * applied, so an entry may have been committed under the configuration before the last applied
     * change ({@code previous}); one of the two must hold. (At most one change is ever unapplied:
     * the next is proposed only once the last is applied.)
     */
    public void onAck(int group, long index, long term, ConfState current, ConfState previous) {
        checks++;
        String failure = durableMajority(group, index, term, current);
        if (failure != null && previous != null && durableMajority(group, index, term, previous) == null) {
            return;
        }
        if (failure != null) {
            throw new InvariantViolation("ack-after-durable-majority", "group " + group + " acknowledged entry "
                    + index + "/" + term + " " + failure);
        }
    }

    private String durableMajority(int group, long index, long term, ConfState conf) {
        String f = requireDurableMajority(group, index, term, conf.voters(), "incoming");
        if (f == null && conf.isJoint()) {
            f = requireDurableMajority(group, index, term, conf.votersOutgoing(), "outgoing");
        }
        return f;
    }

    private String requireDurableMajority(int group, long index, long term, Set<Long> voters, String half) {
        int durable = 0;
        for (long v : voters) {
            if (durability.isDurable(group, v, index, term)) {
                durable++;
            }
        }
        if (durable > voters.size() / 2) {
            return null;
        }
        StringBuilder detail = new StringBuilder("durable on only " + durable + " of the " + half + " voters "
                + voters);
        for (long v : voters) {
            detail.append("; ").append(v).append(": ").append(durability.describe(group, v, index));
        }
        return detail.toString();
    }
}
