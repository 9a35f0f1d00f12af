package io.conclave.multiraft.node;

/** This replica does not lead its group; retry against {@link #leaderHint()} (0 when unknown). */
public final class NotLeaderException extends RuntimeException {

    private final long groupId;
    private final long leaderHint;

    public NotLeaderException(long groupId, long leaderHint) {
        super("not the leader of group " + groupId + (leaderHint == 0 ? "; no leader known, retry later"
                : "; retry against node " + leaderHint), null, false, false);
        this.groupId = groupId;
        this.leaderHint = leaderHint;
    }

    public long groupId() {
        return groupId;
    }

    public long leaderHint() {
        return leaderHint;
    }
}
