package io.conclave.multiraft.loop;

import io.conclave.multiraft.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Owns one thread that loops on an {@link Agent} with the time of a {@link Clock}: runs
 * {@code doWork} while it finds work and parks when idle, for as long as the agent allows
 * ({@link Agent#idleParkNs}: by default {@code idleParkNs}; an event loop, until its next timer) or
 * until {@link #wake()}. No busy spin. An error thrown by the agent stops the thread
 * and is kept in {@link #failure()}.
 */
public final class AgentThread implements AutoCloseable {

    private final Agent agent;
    private final Clock clock;
    private final long idleParkNs;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile Throwable failure;

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

    private void run() {
        try {
            while (running) {
                if (agent.doWork(clock.nowNs()) > 0) {
                    continue;
                }
                parked = true;
                if (running && !agent.hasWork()) {
                    LockSupport.parkNanos(this, agent.idleParkNs(clock.nowNs(), idleParkNs));
                }
                parked = false;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
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
