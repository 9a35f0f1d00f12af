package io.conclave.ops.metrics;

/**
 * A group's leader as seen by this node changed between two censuses.
 *
 * @param groupId the group
 * @param fromLeader the leader at the previous census (0: none known, or the group was not seen)
 * @param toLeader the leader now
 * @param fromTerm the term at the previous census (0 when not seen)
 * @param toTerm the term now
 */
public record LeaderChange(long groupId, long fromLeader, long toLeader, long fromTerm, long toTerm) {
}
