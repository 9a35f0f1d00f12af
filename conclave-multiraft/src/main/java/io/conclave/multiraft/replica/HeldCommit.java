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
 */
final class HeldCommit {

    private static final WriteCallback NO_WAIT = new WriteCallback() {
        @Override
        public void onDurable() {
        }

        @Override
        public void onFailed(IOException cause) {
            // A later write of this group fails at admission and rebuilds the core from what is durable.
        }
    };

    private final EventLoop loop;
    private final GroupLog log;
    private final long delayNs;
    private HardState held;
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
        if (log.persist(held, List.of(), null, NO_WAIT) == StorageStatus.OK) {
            held = null;
        } else {
            loop.wheel().schedule(timer, loop.nowNs() + delayNs);
        }
    }
}
