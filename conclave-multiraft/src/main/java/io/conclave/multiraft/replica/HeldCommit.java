package io.conclave.multiraft.replica;

import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.loop.TimerWheel;
import io.conclave.raft.HardState;
import io.conclave.storage.engine.GroupLog;
import io.conclave.storage.engine.StorageStatus;
import io.conclave.storage.wal.WriteCallback;
import java.io.IOException;
import java.util.List;

/**
 * A replica's higher commit index that is not waited on, nor written at once. The commit index is
 * volatile state in Raft: a replica that restarts with an older one learns it again from its leader,
 * and the core starts no lower than its snapshot. So a hard state whose only news is the commit
 * rides with the replica's next write ({@link #takeFor}), or is written alone, without waiting, one
 * tick later if none comes — so that a restarted node usually still knows what it had applied (the
 * leader of a resting group tells it nothing until the group wakes).
 *
 * <p>Why: waiting for its fsync cost a leader's STRONG acknowledgement one WAL round; writing it at
 * once, unwaited, still cost every node an fsync per write, and one write at a time the next
 * write's entries queued behind that fsync on the WAL thread (docs/multiraft.md, "The ready
 * pipeline"). Loop thread only.
 *
 * <p>It also knows the highest commit index the storage has confirmed durable ({@link
 * #durableCommitIndex}): what a restart of this replica applies at least up to. A removed replica is
 * destroyed only once its leader's durable commit covers the removal (docs/simulation.md,
 * "partition-removal-forgotten"); the commit index in memory is not enough there.
 */
final class HeldCommit {

    private final EventLoop loop;
    private final GroupLog log;
    private final long delayNs;
    private HardState held;
    /** The highest commit index confirmed durable: a hard state's commit, or a stored snapshot's index. */
    private long durableCommitIndex;
    private final TimerWheel.Timer timer = new TimerWheel.Timer() {
        @Override
        protected void onExpire(long nowNs) {
            writeAlone();
        }
    };

    HeldCommit(EventLoop loop, GroupLog log, long delayNs) {
        this.loop = loop;
        this.log = log;
        this.delayNs = delayNs;
        // What the log holds when the replica starts is durable: recovered, or a new group's empty state.
        this.durableCommitIndex = Math.max(log.hardState().commit(), log.snapshot().index());
    }

    /** The commit index a restart of this replica would start from at least, as the storage confirmed it. */
    long durableCommitIndex() {
        return durableCommitIndex;
    }

    /**
     * The storage confirmed durable a hard state whose commit is {@code commitIndex}, or a snapshot at
     * that index (a restart starts no lower than its snapshot).
     */
    void confirmed(long commitIndex) {
        durableCommitIndex = Math.max(durableCommitIndex, commitIndex);
    }

    /** A Ready's hard state whose only news is a higher commit index. */
    void hold(HardState hs) {
        held = hs;
        if (!timer.isScheduled()) {
            loop.wheel().schedule(timer, loop.nowNs() + delayNs);
        }
    }

    /**
     * The hard state to write with a Ready whose own is {@code readyHardState}: its own when it has one
     * (the core's hard state never goes back), else the held commit, which is still current.
     */
    HardState takeFor(HardState readyHardState) {
        return readyHardState != null ? readyHardState : held;
    }

    /**
     * Forgets the held commit: the storage took a write carrying {@link #takeFor}'s answer, the replica
     * stops, or its core is rebuilt from what is durable.
     */
    void drop() {
        held = null;
        loop.wheel().cancel(timer);
    }

    /** The held commit, alone: a write the storage cannot take now is tried again after the delay. */
    private void writeAlone() {
        if (held == null) {
            return;
        }
        if (log.persist(held, List.of(), null, new Unwaited(held.commit())) == StorageStatus.OK) {
            held = null;
        } else {
            loop.wheel().schedule(timer, loop.nowNs() + delayNs);
        }
    }

    /** Not waited on; only tells the loop that the commit it carried is durable. */
    private final class Unwaited implements WriteCallback {
        private final long commitIndex;

        Unwaited(long commitIndex) {
            this.commitIndex = commitIndex;
        }

        @Override
        public void onDurable() {
            loop.postCompletion(() -> confirmed(commitIndex));
        }

        @Override
        public void onFailed(IOException cause) {
            // A later write of this group fails at admission and rebuilds the core from what is durable.
        }
    }
}
