package io.conclave.raft.progress;

/**
 * The leader's view of one peer's log. Mutable; owned by the group's thread.
 *
 * <p>Invariant: {@code match < next}. {@code match} only counts entries the peer has persisted.
 */
public final class Progress {

    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    /** In PROBE: an append was sent and no answer has come back. */
    private boolean probeSent;
    /** In SNAPSHOT: the index of the snapshot being sent. */
    private long pendingSnapshot;
    /** Whether the peer was heard from since the last check-quorum round. */
    private boolean recentActive;
    private boolean learner;
    /** The highest heartbeat round the peer acknowledged in this term. */
    private long ackedRound;
    private final Inflights inflights;

    public Progress(long match, long next, int maxInflight, long maxInflightBytes, boolean learner) {
        this.match = match;
        this.next = next;
        this.learner = learner;
        this.recentActive = true;
        this.inflights = new Inflights(maxInflight, maxInflightBytes);
        checkInvariant();
    }

    private void checkInvariant() {
        if (match >= next) {
            throw new IllegalStateException("progress invariant broken: match " + match + " >= next " + next);
        }
    }

    /** Back to probing, after a rejection, an unreachable report or a finished snapshot. */
    public void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long pending = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
    }

    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    private void resetState(ProgressState s) {
        probeSent = false;
        pendingSnapshot = 0;
        state = s;
        inflights.reset();
    }

    /** The peer acknowledged up to {@code n}; returns whether match moved. */
    public boolean maybeUpdate(long n) {
        boolean updated = false;
        if (match < n) {
            match = n;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, n + 1);
        return updated;
    }

    /** After sending entries ending at {@code lastIndex} ({@code bytes} in all). */
    public void sentEntries(long lastIndex, int entryCount, long bytes) {
        if (state == ProgressState.REPLICATE) {
            if (entryCount > 0) {
                next = lastIndex + 1;
                inflights.add(lastIndex, bytes);
            }
        } else if (state == ProgressState.PROBE) {
            probeSent = true;
        } else {
            throw new IllegalStateException("sending entries in state " + state);
        }
    }

    /**
     * The peer rejected an append at {@code rejected}; {@code matchHint} is the highest index the
     * peer may match. Returns false when the rejection is stale.
     */
    public boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** Whether the leader should hold off sending appends. */
    public boolean isPaused() {
        switch (state) {
            case PROBE:
                return probeSent;
            case REPLICATE:
                return inflights.full();
            default:
                return true;
        }
    }

    /** A heartbeat answer lets a probing leader try again. */
    public void resumeProbe() {
        probeSent = false;
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean v) {
        recentActive = v;
    }

    public boolean isLearner() {
        return learner;
    }

    public long ackedRound() {
        return ackedRound;
    }

    public void ackRound(long round) {
        ackedRound = Math.max(ackedRound, round);
    }

    public Inflights inflights() {
        return inflights;
    }

    /** Back to a fresh view of the peer, as when a new leader takes over. */
    public void reset(long newMatch, long newNext) {
        resetState(ProgressState.PROBE);
        match = newMatch;
        next = newNext;
        ackedRound = 0;
        recentActive = true;
        checkInvariant();
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (learner ? " learner" : "")
                + (state == ProgressState.SNAPSHOT ? " snap=" + pendingSnapshot : "")
                + (probeSent ? " paused" : "") + " inflight=" + inflights.count();
    }
}
