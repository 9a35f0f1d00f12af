package io.conclave.multiraft.loop;

/**
 * A unit of work a thread loops on, or a test or simulator steps by hand. {@link #doWork} never
 * blocks on a condition: it does what is ready at {@code nowNs} and returns how much that was.
 */
public interface Agent {

    /** Does the work that is ready now; returns a count of items done, 0 when idle. */
    int doWork(long nowNs);

    /** Whether {@link #doWork} would find queued work now; a runner checks it before parking. */
    boolean hasWork();

    /**
     * Whether other threads have queued work since the last {@link #doWork}: what {@link #hasWork} says
     * of the queues they fill, safe to ask from any thread (while another thread may be in
     * {@code doWork}). The default is {@code hasWork()}, for agents whose state all lives in such queues.
     */
    default boolean hasQueuedWork() {
        return hasWork();
    }

    /**
     * How long a runner may park when idle at {@code nowNs}: until the agent's next deadline (its
     * producers wake it for anything else). The default is the runner's own bound.
     */
    default long idleParkNs(long nowNs, long runnerParkNs) {
        return runnerParkNs;
    }
}
