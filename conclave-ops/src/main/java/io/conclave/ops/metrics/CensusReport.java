package io.conclave.ops.metrics;

/**
 * One census of the groups hosted on a node, as their loops saw them when asked.
 *
 * @param scans censuses taken so far, this one included
 * @param groups groups asked
 * @param leaders groups whose replica here leads
 * @param followers groups whose replica here follows
 * @param candidates groups whose replica here is campaigning (pre-candidate or candidate)
 * @param leaderless groups whose replica here knows no leader
 * @param quiesced groups resting
 * @param rejoining replicas rejoining as learners after possible data loss
 * @param broken replicas stopped after a storage failure
 * @param unanswered groups that did not answer within the batch timeout (or refused: back-pressure)
 * @param termMax the highest term seen
 * @param applyLagMax the largest {@code commitIndex - appliedIndex} seen
 * @param leaderChanges leader changes seen between consecutive censuses so far (first sightings included)
 * @param termChanges term increases seen between consecutive censuses so far
 */
public record CensusReport(long scans, int groups, int leaders, int followers, int candidates, int leaderless,
                           int quiesced, int rejoining, int broken, int unanswered, long termMax, long applyLagMax,
                           long leaderChanges, long termChanges) {

    public static final CensusReport NONE = new CensusReport(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
