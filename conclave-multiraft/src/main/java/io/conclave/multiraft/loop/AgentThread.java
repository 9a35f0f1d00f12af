package io.conclave.multiraft.loop;

import io.conclave.multiraft.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Owns one thread that loops on an {@link Agent} with the time of a {@link Clock}: runs
 * {@code doWork} while it finds work and parks when idle, for as long as the agent allows
 * ({@link Agent#idleParkNs}: by default {@code idleParkNs}; an event loop, until its next timer) or
 * until {@link #wake()}. No busy spin. An error thrown by the agent stops the thread
 * and is kept in {@link #failure()}.
 *
 * <p><b>Helping.</b> A thread that has just queued work may run one turn of the agent itself
 * ({@link #runHere}) instead of waking this thread, when no one else is running it: the work is done
 * one thread switch sooner, and this thread stays asleep. One turn at a time, whoever runs it (a
 * flag taken with a compare-and-set hands the agent's state from one thread to the next, with the
 * visibility of a lock). A helper that leaves work queued, or a timer due sooner than this thread's
 * park, wakes this thread as it leaves; this thread, finding a helper in the agent, parks until then.
 */
public final class AgentThread implements AutoCloseable {

    private final Agent agent;
    private final Clock clock;
    private final long idleParkNs;
    private final Thread thread;
    private volatile boolean running = true;
    /** Helpers wait for {@link #start}: before it, the agent's owner may still be setting it up. */
    private volatile boolean started;
    private volatile boolean parked;
    private volatile Throwable failure;
    /** Held by whichever thread runs a turn of the agent: this one or a helper. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** When this thread's current (or next) park ends, as it computed it: a helper compares its timers. */
    private volatile long parkEndNs = Long.MAX_VALUE;

    public AgentThread(String name, Agent agent, Clock clock, long idleParkNs) {
        if (idleParkNs <= 0) {
            throw new IllegalArgumentException("idleParkNs must be > 0: " + idleParkNs);
        }
        this.agent = agent;
        this.clock = clock;
        this.idleParkNs = idleParkNs;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public AgentThread start() {
        started = true;
        thread.start();
        return this;
    }

    /** Wakes the thread if it is parked. Any thread; cheap when it is running. */
    public void wake() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** The error that stopped the loop, or null. */
    public Throwable failure() {
        return failure;
    }

    public boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs one turn of the agent on the calling thread, unless another thread is running it; then
     * false, and the caller wakes this thread instead. The caller must hold no lock the agent's work
     * may take, and must tolerate the turn's length (the agent bounds it). An error thrown by the agent
     * stops the agent as it would on its own thread (kept in {@link #failure()}, reported to this
     * thread's uncaught-exception handler), not the caller.
     */
    public boolean runHere() {
        if (!started || !running || !busy.compareAndSet(false, true)) {
            return false;
        }
        long nextDeadlineNs;
        try {
            long now = clock.nowNs();
            agent.doWork(now);
            nextDeadlineNs = agent.hasWork() ? now : now + agent.idleParkNs(clock.nowNs(), idleParkNs);
        } catch (RuntimeException | Error e) {
            // As if on this thread: the agent stops and the error is kept and reported as the loop's;
            // the helper's own thread (a network thread) carries on.
            Thread.UncaughtExceptionHandler report = thread.getUncaughtExceptionHandler(); // null once it ended
            failure = e;
            running = false;
            LockSupport.unpark(thread);
            if (report == null) {
                report = Thread.getDefaultUncaughtExceptionHandler();
            }
            if (report != null) {
                report.uncaughtException(thread, e);
            } else {
                System.err.println("agent " + thread.getName() + " failed on a helping thread:");
                e.printStackTrace();
            }
            return true;
        } finally {
            busy.set(false);
        }
        // Unconditional unpark: if this thread is about to park, the permit makes that park return.
        if (agent.hasQueuedWork() || nextDeadlineNs < parkEndNs) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    private void run() {
        try {
            while (running) {
                long parkNs;
                if (busy.compareAndSet(false, true)) {
                    try {
                        parkEndNs = Long.MAX_VALUE;
                        if (agent.doWork(clock.nowNs()) > 0 || agent.hasWork()) {
                            continue;
                        }
                        long now = clock.nowNs();
                        parkNs = agent.idleParkNs(now, idleParkNs);
                        parkEndNs = now + parkNs;
                    } finally {
                        busy.set(false);
                    }
                } else {
                    // A helper is in the agent: it wakes this thread as it leaves if anything is left.
                    parkNs = idleParkNs;
                }
                parked = true;
                // Queued work found here (a helper gone in between, or a producer's wake-up missed) is
                // taken at once; with a helper still inside, its exit does the check.
                if (running && (busy.get() || !agent.hasQueuedWork())) {
                    LockSupport.parkNanos(this, parkNs);
                }
                parked = false;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            running = false; // and no helper runs it any more
            throw e;
        }
    }

    /** Stops the loop and waits (bounded) for the thread to end. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("agent thread " + thread.getName() + " did not stop within 10 s");
        }
    }
}
