package io.conclave.storage.wal;

/**
 * A unit of work a thread loops on, or a simulator steps by hand. {@link #doWork()} never blocks
 * on a condition; it does what is ready and returns how much that was (0 = idle).
 */
public interface Agent {

    /** Does the work that is ready now; returns a count of work items done, 0 when idle. */
    int doWork();

    /** Whether {@link #doWork()} would find something to do now; a runner checks it before parking. */
    boolean hasWork();
}
