package io.conclave.raft.quorum;

import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** A set of voters decided by simple majority. Immutable. */
public final class MajorityConfig {

    public static final MajorityConfig EMPTY = new MajorityConfig(Set.of());

    private final long[] ids;
    private final SortedSet<Long> idSet;

    public MajorityConfig(Set<Long> voters) {
        this.idSet = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        this.ids = idSet.stream().mapToLong(Long::longValue).toArray();
    }

    public SortedSet<Long> ids() {
        return idSet;
    }

    public boolean contains(long id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    public int size() {
        return ids.length;
    }

    public boolean isEmpty() {
        return ids.length == 0;
    }

    /**
     * The largest index that a majority has reached. An empty configuration returns
     * {@link Long#MAX_VALUE}, so that it never holds back a joint configuration.
     */
    public long committedIndex(IndexLookup acked) {
        int n = ids.length;
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = acked.indexOf(ids[i]);
        }
        Arrays.sort(v);
        // Ascending order: the quorum-th largest sits at n - (n/2 + 1).
        return v[n - (n / 2 + 1)];
    }

    /** Tallies votes. An empty configuration wins (so a joint configuration is decided by the other half). */
    public VoteResult voteResult(VoteLookup votes) {
        if (ids.length == 0) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : ids) {
            int v = votes.voteOf(id);
            if (v < 0) {
                missing++;
            } else if (v > 0) {
                granted++;
            }
        }
        int q = ids.length / 2 + 1;
        if (granted >= q) {
            return VoteResult.WON;
        }
        if (granted + missing >= q) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MajorityConfig m && Arrays.equals(m.ids, ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return idSet.toString();
    }
}
