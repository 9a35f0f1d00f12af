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
 */
public record LivenessStats(long suspicions, long recoveries, long peerRestarts, long pingsSent, long pingsReceived,
                            long pingsDropped) {
}
