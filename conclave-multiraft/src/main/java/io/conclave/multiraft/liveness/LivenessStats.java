package io.conclave.multiraft.liveness;

/**
 * Counters of node-level liveness since start.
 *
 * @param suspicions peers that crossed the phi threshold
 * @param recoveries suspected peers heard from again
 * @param peerRestarts peers seen with a new incarnation
 * @param pingsSent pings sent
 * @param pingsReceived pings received
 * @param pingsDropped ping arrivals refused because the arrival queue was full
 * @param evaluationsSkipped rounds in which this node's own liveness timer ran late (a GC pause, a busy
 *     or starved loop) so the detectors were not judged: silence this node could not observe is not
 *     held against its peers
 */
public record LivenessStats(long suspicions, long recoveries, long peerRestarts, long pingsSent, long pingsReceived,
                            long pingsDropped, long evaluationsSkipped) {
}
