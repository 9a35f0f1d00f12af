package io.conclave.multiraft.apply;

/**
 * Where an {@link Applier} reports on one group. Called on the applier's thread; implementations
 * post the news to the group's owning loop and return at once.
 */
public interface ApplySink {

    long groupId();

    /** Entries and snapshots up to {@code index} are applied. */
    void onApplied(long index);

    /** The state machine's snapshot at {@code index} is ready to be stored. */
    void onStateSnapshot(long index, byte[] data);
}
