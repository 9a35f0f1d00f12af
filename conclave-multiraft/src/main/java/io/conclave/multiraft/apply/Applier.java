package io.conclave.multiraft.apply;

import io.conclave.multiraft.loop.Agent;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies committed entries of one loop's groups to the {@link StateMachine}, in order per group,
 * and takes a state-machine snapshot of a group once {@code snapshotEntries} entries or
 * {@code snapshotBytes} bytes were applied since its last one. Fed by its loop through a bounded
 * queue: the loop checks {@link #hasCapacity()} before it takes a Ready, so a full applier stops
 * new Readies instead of dropping work. An {@link Agent}: a test can drive it without a thread.
 */
public final class Applier implements Agent {

    private final StateMachine stateMachine;
    private final ArrayBlockingQueue<ApplyTask> queue;
    private final long snapshotEntries;
    private final long snapshotBytes;
    private final int tasksPerWorkMax;
    private final AtomicLong entriesApplied = new AtomicLong();
    private final AtomicLong snapshotsTaken = new AtomicLong();
    private final AtomicLong snapshotsRestored = new AtomicLong();
    private volatile Runnable waker = () -> { };

    public Applier(StateMachine stateMachine, int queueCapacity, long snapshotEntries, long snapshotBytes,
                   int tasksPerWorkMax) {
        this.stateMachine = stateMachine;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.snapshotEntries = snapshotEntries;
        this.snapshotBytes = snapshotBytes;
        this.tasksPerWorkMax = tasksPerWorkMax;
    }

    public void setWaker(Runnable w) {
        waker = w;
    }

    /** Whether one more task fits. Loop thread. */
    public boolean hasCapacity() {
        return queue.remainingCapacity() > 0;
    }

    /** Queues a task; the caller checked {@link #hasCapacity()} (a full queue is a programmer error). */
    public void submit(ApplyTask task) {
        if (!queue.offer(task)) {
            throw new IllegalStateException("apply queue full: the loop must check hasCapacity() before ready()");
        }
        waker.run();
    }

    @Override
    public boolean hasWork() {
        return !queue.isEmpty();
    }

    @Override
    public int doWork(long nowNs) {
        int n = 0;
        ApplyTask t;
        while (n < tasksPerWorkMax && (t = queue.poll()) != null) {
            run(t);
            n++;
        }
        return n;
    }

    private void run(ApplyTask t) {
        ApplyCursor c = t.cursor();
        long gid = t.sink().groupId();
        if (t.snapshot() != null && t.snapshot().index() > c.appliedIndex) {
            stateMachine.restore(gid, t.snapshot().data());
            c.appliedIndex = t.snapshot().index();
            c.entriesSinceSnapshot = 0;
            c.bytesSinceSnapshot = 0;
            snapshotsRestored.incrementAndGet();
        }
        List<Entry> normal = new ArrayList<>(t.entries().size());
        long last = c.appliedIndex;
        for (Entry e : t.entries()) {
            if (e.index() <= c.appliedIndex) {
                continue; // covered by a snapshot restored meanwhile
            }
            if (e.index() != last + 1) {
                throw new IllegalStateException("group " + gid + ": apply gap, entry " + e.index() + " after " + last);
            }
            last = e.index();
            if (e.type() == EntryType.NORMAL) {
                normal.add(e);
            }
            c.bytesSinceSnapshot += e.data().length;
        }
        if (!normal.isEmpty()) {
            stateMachine.apply(gid, normal);
        }
        c.entriesSinceSnapshot += last - c.appliedIndex;
        entriesApplied.addAndGet(last - c.appliedIndex);
        c.appliedIndex = last;
        if (c.entriesSinceSnapshot >= snapshotEntries || c.bytesSinceSnapshot >= snapshotBytes) {
            StateMachine.IndexedSnapshot snap = stateMachine.snapshotUpTo(gid, last);
            c.entriesSinceSnapshot = 0;
            c.bytesSinceSnapshot = 0;
            if (snap != null) { // null: nothing (new) to compact behind (see StateMachine#snapshotUpTo)
                if (snap.index() > last || snap.index() < 1) {
                    throw new IllegalStateException("group " + gid + ": a snapshot at index " + snap.index()
                            + " with entries applied up to " + last);
                }
                snapshotsTaken.incrementAndGet();
                t.sink().onStateSnapshot(snap.index(), snap.data());
            }
        }
        for (ApplyTask.Waiter w : t.waiters()) {
            w.future().complete(w.index());
        }
        t.sink().onApplied(last);
    }

    public long entriesApplied() {
        return entriesApplied.get();
    }

    public long snapshotsTaken() {
        return snapshotsTaken.get();
    }

    public long snapshotsRestored() {
        return snapshotsRestored.get();
    }

    public int queued() {
        return queue.size();
    }
}
