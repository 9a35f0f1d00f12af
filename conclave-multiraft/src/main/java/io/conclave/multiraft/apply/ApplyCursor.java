package io.conclave.multiraft.apply;

/**
 * How far one group's state machine is, and how much it has applied since its last snapshot.
 * Touched only by the group's applier thread (created by the loop before the first task).
 */
public final class ApplyCursor {

    long appliedIndex;
    long entriesSinceSnapshot;
    long bytesSinceSnapshot;

    public ApplyCursor(long appliedIndex) {
        this.appliedIndex = appliedIndex;
    }
}
