package io.conclave.server.node;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Bounds requests in time with one periodic sweep instead of a timer task per request.
 *
 * <p>{@code CompletableFuture.orTimeout} schedules a task on the JDK's one delay thread and cancels it
 * when the future completes; with one request in flight its task is always the head of that thread's
 * queue, so each request woke the thread twice (schedule, cancel): about one thread switch per write
 * on a leader, measured in the data bench. Here a request costs an insertion into a heap, and
 * {@link #sweep} ends what is due; the node has it run every 50 ms on its background scheduler while
 * any deadline is pending. A deadline is therefore met up to one sweep late, which request timeouts of
 * seconds and long polls of hundreds of milliseconds can afford.
 *
 * <p>A future that completes on its own stays in the heap until its deadline (it is dropped then, not
 * touched); the heap therefore holds about the requests of one timeout's length. Thread-safe: any
 * thread adds, one thread sweeps; expiry runs outside the lock.
 */
public final class RequestDeadlines {

    private record Due(long deadlineNs, CompletableFuture<?> future, Runnable onExpiry) {
    }

    private static final System.Logger LOG = System.getLogger(RequestDeadlines.class.getName());

    private final LongSupplier nanoClock;
    private final PriorityQueue<Due> heap = new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNs, b.deadlineNs));
    /** Runs the sweeps by itself when not null; else the caller calls {@link #sweep}. */
    private final ScheduledExecutorService sweeper;
    private final long sweepMs;
    /** Whether a sweep is scheduled; guarded by {@code heap}. */
    private boolean sweepScheduled;

    /** Deadlines the caller sweeps ({@link #sweep}), on the time of {@code nanoClock}. */
    public RequestDeadlines(LongSupplier nanoClock) {
        this(nanoClock, null, 0);
    }

    /**
     * Deadlines swept every {@code sweepMs} on {@code sweeper} while any is pending: the first deadline
     * added to an empty heap schedules a sweep, and a sweep that leaves the heap empty schedules none.
     */
    public RequestDeadlines(LongSupplier nanoClock, ScheduledExecutorService sweeper, long sweepMs) {
        this.nanoClock = nanoClock;
        this.sweeper = sweeper;
        this.sweepMs = sweepMs;
    }

    /** {@code f}, failed with a {@link TimeoutException} if it is not complete {@code ms} from now. */
    public <T> CompletableFuture<T> failAfter(CompletableFuture<T> f, long ms) {
        return add(f, ms, () -> f.completeExceptionally(new TimeoutException("no answer within " + ms + " ms")));
    }

    /** {@code f}, completed with {@code value} if it is not complete {@code ms} from now. */
    public <T> CompletableFuture<T> completeAfter(CompletableFuture<T> f, T value, long ms) {
        return add(f, ms, () -> f.complete(value));
    }

    private <T> CompletableFuture<T> add(CompletableFuture<T> f, long ms, Runnable onExpiry) {
        if (ms < 0) {
            throw new IllegalArgumentException("a deadline must be >= 0 ms away, was " + ms);
        }
        if (!f.isDone()) {
            Due d = new Due(nanoClock.getAsLong() + ms * 1_000_000L, f, onExpiry);
            boolean schedule;
            synchronized (heap) {
                heap.add(d);
                schedule = sweeper != null && !sweepScheduled;
                sweepScheduled |= schedule;
            }
            if (schedule) {
                scheduleSweep();
            }
        }
        return f;
    }

    private void scheduleSweep() {
        try {
            sweeper.schedule(this::scheduledSweep, sweepMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            synchronized (heap) {
                sweepScheduled = false;
            }
        }
    }

    private void scheduledSweep() {
        try {
            sweep();
        } catch (RuntimeException | Error e) {
            // What a timed-out request runs next (its answer to the client) must not stop the sweeps.
            LOG.log(System.Logger.Level.WARNING, "ending a timed-out request failed", e);
        }
        synchronized (heap) {
            if (heap.isEmpty()) {
                sweepScheduled = false;
                return;
            }
        }
        scheduleSweep();
    }

    /** Ends every request whose deadline has passed; returns how many it ended (not those done already). */
    public int sweep() {
        long now = nanoClock.getAsLong();
        List<Due> due = new ArrayList<>();
        synchronized (heap) {
            Due d;
            while ((d = heap.peek()) != null && d.deadlineNs - now <= 0) {
                due.add(heap.poll());
            }
        }
        int ended = 0;
        for (Due d : due) {
            if (!d.future.isDone()) {
                d.onExpiry.run();
                ended++;
            }
        }
        return ended;
    }

    /** Requests not yet swept (including those that completed on their own before their deadline). */
    public int size() {
        synchronized (heap) {
            return heap.size();
        }
    }
}
