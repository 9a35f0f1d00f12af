package io.conclave.multiraft.replica;

/**
 * Where a replica that may have lost unsynced data is on its way back to voting. While in either
 * phase it neither votes nor campaigns (its outgoing vote requests and responses are dropped).
 */
public enum RejoinPhase {
    /** Still a voter: asks the leader (a forwarded conf change) to demote it to a learner. */
    DEMOTING,
    /** A learner: once it has applied what the leader committed, asks to become a voter again. */
    CATCHING_UP
}
