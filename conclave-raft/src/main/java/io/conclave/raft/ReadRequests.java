package io.conclave.raft;

import java.util.ArrayDeque;

/**
 * The leader's read requests waiting for confirmation, and its heartbeat rounds.
 *
 * <p>Every heartbeat broadcast starts a new round, numbered in increasing order and stamped with the
 * leader's tick. Followers echo the round. The highest round a quorum has echoed (self included)
 * confirms, as of the round's send time, that no other leader could have committed anything: every
 * ReadIndex request registered at or before that round can be answered with the commit index it
 * recorded. The send tick of that round is also the start of the leader's lease.
 */
final class ReadRequests {

    /** One pending read: answered to the host ({@code from == 0}) or to the follower that forwarded it. */
    record Pending(byte[] context, long from, long index, long round) {
    }

    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    /** Reads that arrived before the leader committed an entry of its term. */
    private final ArrayDeque<Pending> beforeCommit = new ArrayDeque<>();
    /** (round, sent tick) pairs of rounds not yet confirmed, oldest first. */
    private final ArrayDeque<long[]> rounds = new ArrayDeque<>();
    private final int maxPending;
    private long currentRound;
    private long confirmedRound;
    private long leaseStartTick = Long.MIN_VALUE;

    ReadRequests(int maxPending) {
        this.maxPending = maxPending;
    }

    long currentRound() {
        return currentRound;
    }

    /** Starts a new heartbeat round sent at {@code tick}; returns its number. */
    long newRound(long tick) {
        currentRound++;
        rounds.addLast(new long[] {currentRound, tick});
        if (rounds.size() > maxPending) {
            rounds.removeFirst(); // a round that old will be confirmed by a newer one, if ever
        }
        return currentRound;
    }

    boolean hasRoom() {
        return waiting.size() + beforeCommit.size() < maxPending;
    }

    void addWaiting(Pending p) {
        waiting.addLast(p);
    }

    void addBeforeCommit(Pending p) {
        beforeCommit.addLast(p);
    }

    /** Reads held back until the leader's first commit in its term; the caller re-registers them. */
    ArrayDeque<Pending> drainBeforeCommit() {
        ArrayDeque<Pending> out = new ArrayDeque<>(beforeCommit);
        beforeCommit.clear();
        return out;
    }

    /**
     * A quorum has echoed {@code round}: moves the lease start to its send tick and returns the
     * reads it confirms, in arrival order.
     */
    ArrayDeque<Pending> confirm(long round) {
        ArrayDeque<Pending> out = new ArrayDeque<>();
        if (round <= confirmedRound) {
            return out;
        }
        confirmedRound = round;
        while (!rounds.isEmpty() && rounds.peekFirst()[0] <= round) {
            long[] r = rounds.removeFirst();
            if (r[0] == round) {
                leaseStartTick = Math.max(leaseStartTick, r[1]);
            }
        }
        while (!waiting.isEmpty() && waiting.peekFirst().round() <= round) {
            out.addLast(waiting.removeFirst());
        }
        return out;
    }

    long leaseStartTick() {
        return leaseStartTick;
    }

    /** Forgets everything: a new term or a lost leadership. The round counter keeps increasing. */
    void reset() {
        waiting.clear();
        beforeCommit.clear();
        rounds.clear();
        confirmedRound = currentRound;
        leaseStartTick = Long.MIN_VALUE;
    }

    int pendingCount() {
        return waiting.size() + beforeCommit.size();
    }
}
