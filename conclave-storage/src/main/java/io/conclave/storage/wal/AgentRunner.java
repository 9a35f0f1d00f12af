package io.conclave.storage.wal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Owns one thread that loops on an {@link Agent}: runs {@code doWork()} while it finds work, and
 * parks when idle until {@link #wake()} or the idle timeout (so time-driven housekeeping still
 * runs). Producers call {@link #wake()} after handing the agent work; it is cheap when the thread
 * is already running. No busy spin.
 */
public final class AgentRunner implements AutoCloseable {

    private final Agent agent;
    private final long idleParkNs;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile Throwable failure;

    public AgentRunner(Agent agent, String threadName, long idleParkNs) {
        if (idleParkNs <= 0) {
            throw new IllegalArgumentException("idleParkNs must be > 0: " + idleParkNs);
        }
        this.agent = agent;
        this.idleParkNs = idleParkNs;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public AgentRunner start() {
        thread.start();
        return this;
    }

    /** Wakes the thread if it is parked. Safe from any thread. */
    public void wake() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** The error that stopped the loop, or null. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        try {
            while (running) {
                if (agent.doWork() > 0) {
                    continue;
                }
                parked = true;
                if (running && !agent.hasWork()) {
                    LockSupport.parkNanos(this, idleParkNs);
                }
                parked = false;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        }
    }

    /** Stops the loop and waits (bounded: a step may be a long round of fsyncs) for the thread to end. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(120));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("agent thread " + thread.getName() + " did not stop within 120 s");
        }
    }
}
