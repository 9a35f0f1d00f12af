package io.conclave.multiraft.node;

import io.conclave.multiraft.liveness.LivenessStats;
import io.conclave.multiraft.loop.LoopStats;

/**
 * A node's runtime counters.
 *
 * @param loops summed over the event loops
 * @param liveness node-level liveness
 * @param entriesApplied entries applied by the appliers
 * @param snapshotsTaken state-machine snapshots taken
 * @param snapshotsRestored snapshots restored into the state machine (at start or from a leader)
 */
public record RuntimeStats(LoopStats loops, LivenessStats liveness, long entriesApplied, long snapshotsTaken,
                           long snapshotsRestored) {
}
