package io.conclave.multiraft.node;

import io.conclave.multiraft.liveness.LivenessConfig;
import io.conclave.raft.RaftConfig;
import io.conclave.storage.engine.EngineConfig;

/**
 * Every bound of one node's Multi-Raft runtime. Times in nanoseconds of the injected clock.
 *
 * @param loopCount event loops (each with its applier thread); groups are spread by id hash
 * @param tickIntervalNs the length of one Raft tick
 * @param electionTimeoutTicks per-group election timeout (a fallback: failover is driven by liveness)
 * @param heartbeatIntervalTicks per-group heartbeat interval (relaxed: liveness is node-level)
 * @param inboundQueueCapacity Raft messages waiting per loop; beyond it they are dropped and counted
 * @param taskQueueCapacity client requests waiting per loop; beyond it they fail with BACK_PRESSURE
 * @param itemsPerWorkMax messages or tasks one loop step takes at most from each queue
 * @param applyQueueCapacity apply tasks waiting per applier
 * @param applyPendingEntriesPerGroupMax committed entries of one group handed to the applier and not
 *     yet applied; beyond it the group takes no new Ready until the applier catches up
 * @param snapshotEntries entries applied between two state-machine snapshots of a group
 * @param snapshotBytes bytes applied between two snapshots
 * @param compactKeepEntries entries kept behind a snapshot for slow followers when compacting
 * @param proposalsPendingPerGroupMax proposals awaiting their apply per group; beyond it BACK_PRESSURE
 * @param requestTimeoutNs proposals and reads not answered by then fail with a timeout
 * @param electionsPerMsMax failover elections one loop starts per millisecond at most
 * @param failoverRankDelayNs delay per lag rank before a follower campaigns after its leader's node is suspected
 * @param failoverJitterNs seeded jitter added to that delay, in [0, failoverJitterNs)
 * @param campaignRetryNs a failover campaign that has not produced a leader is retried after this,
 *     doubling at each attempt up to one election timeout
 * @param campaignAttemptsMax failover campaigns per suspicion at most
 * @param campaignPatienceNs how long a replica leaves the turn to another's campaign before it campaigns
 *     again: a peer with priority that asked for its vote, a candidate it voted for, or its own
 *     candidacy whose vote requests are out and not refused (the voters fsync their votes first)
 * @param quiesceIdleTicks a leader idle (no proposal, read or membership request) for this many ticks
 *     puts its group to rest ({@code RaftNode.quiesce()}); quiesced replicas are not ticked; 0 = never
 *     (default 100: one second of 10 ms ticks; see docs/multiraft.md, "Quiescence")
 * @param rejoinAfterTornTail whether a torn WAL tail at recovery counts as possibly lost acknowledged
 *     data (then every group of the node rejoins as a learner); off by default: an honest disk tears
 *     only writes whose fsync never completed, which nobody was told of, and with it on a power loss
 *     of a whole cluster under load would leave every group without a voter that may vote (see
 *     docs/multiraft.md). For disks that may lie about fsync. Groups whose log needs a snapshot or
 *     follows a mid-WAL corruption always rejoin
 * @param timerSlots slots of each loop's timer wheel (power of two)
 * @param timerResolutionNs resolution of the timer wheel; also the loops' longest idle park
 * @param liveness node-level liveness
 * @param storage the storage engine's bounds
 * @param seed the seed of every random choice (per replica, mixed with node, incarnation and group)
 */
public record RuntimeConfig(int loopCount, long tickIntervalNs, int electionTimeoutTicks, int heartbeatIntervalTicks,
                            int inboundQueueCapacity, int taskQueueCapacity, int itemsPerWorkMax,
                            int applyQueueCapacity, int applyPendingEntriesPerGroupMax, long snapshotEntries,
                            long snapshotBytes, long compactKeepEntries, int proposalsPendingPerGroupMax,
                            long requestTimeoutNs, int electionsPerMsMax, long failoverRankDelayNs,
                            long failoverJitterNs, long campaignRetryNs, int campaignAttemptsMax, long campaignPatienceNs,
                            int quiesceIdleTicks, boolean rejoinAfterTornTail, int timerSlots, long timerResolutionNs,
                            LivenessConfig liveness, EngineConfig storage, long seed) {

    public static RuntimeConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This configuration with {@code rejoinAfterTornTail} set to {@code on}. */
    public RuntimeConfig withRejoinAfterTornTail(boolean on) {
        return new RuntimeConfig(loopCount, tickIntervalNs, electionTimeoutTicks, heartbeatIntervalTicks,
                inboundQueueCapacity, taskQueueCapacity, itemsPerWorkMax, applyQueueCapacity,
                applyPendingEntriesPerGroupMax, snapshotEntries, snapshotBytes, compactKeepEntries,
                proposalsPendingPerGroupMax, requestTimeoutNs, electionsPerMsMax, failoverRankDelayNs,
                failoverJitterNs, campaignRetryNs, campaignAttemptsMax, campaignPatienceNs, quiesceIdleTicks, on,
                timerSlots, timerResolutionNs, liveness, storage, seed);
    }

    /** This configuration with {@code storage} in place of its storage engine's. */
    public RuntimeConfig withStorage(EngineConfig engine) {
        return new RuntimeConfig(loopCount, tickIntervalNs, electionTimeoutTicks, heartbeatIntervalTicks,
                inboundQueueCapacity, taskQueueCapacity, itemsPerWorkMax, applyQueueCapacity,
                applyPendingEntriesPerGroupMax, snapshotEntries, snapshotBytes, compactKeepEntries,
                proposalsPendingPerGroupMax, requestTimeoutNs, electionsPerMsMax, failoverRankDelayNs,
                failoverJitterNs, campaignRetryNs, campaignAttemptsMax, campaignPatienceNs, quiesceIdleTicks,
                rejoinAfterTornTail, timerSlots, timerResolutionNs, liveness, engine, seed);
    }

    /** The Raft configuration of this node's replica of a group. */
    public RaftConfig raftConfig(long nodeId, long appliedIndex) {
        return RaftConfig.builder(nodeId)
                .electionTimeoutTicks(electionTimeoutTicks)
                .heartbeatIntervalTicks(heartbeatIntervalTicks)
                .forwardProposals(true) // only the runtime's own membership requests are forwarded
                .appliedIndex(appliedIndex)
                .build();
    }

    public RuntimeConfig validate() {
        require(loopCount >= 1 && loopCount <= 256, "loopCount must be in [1, 256]");
        require(tickIntervalNs >= 100_000, "tickIntervalNs must be >= 0.1 ms");
        require(electionTimeoutTicks > heartbeatIntervalTicks && heartbeatIntervalTicks > 0,
                "need electionTimeoutTicks > heartbeatIntervalTicks > 0");
        require(inboundQueueCapacity >= 1 && taskQueueCapacity >= 1, "queue capacities must be >= 1");
        require(itemsPerWorkMax >= 1, "itemsPerWorkMax must be >= 1");
        require(applyQueueCapacity >= 1 && applyPendingEntriesPerGroupMax >= 1, "apply bounds must be >= 1");
        require(snapshotEntries >= 1 && snapshotBytes >= 1, "snapshot thresholds must be >= 1");
        require(compactKeepEntries >= 0, "compactKeepEntries must be >= 0");
        require(proposalsPendingPerGroupMax >= 1, "proposalsPendingPerGroupMax must be >= 1");
        require(requestTimeoutNs > 0, "requestTimeoutNs must be > 0");
        require(electionsPerMsMax >= 1, "electionsPerMsMax must be >= 1");
        require(failoverRankDelayNs >= 0 && failoverJitterNs >= 1, "failover delays: rank >= 0, jitter >= 1 ns");
        require(quiesceIdleTicks >= 0, "quiesceIdleTicks must be >= 0");
        require(campaignRetryNs > 0 && campaignAttemptsMax >= 1, "campaign retry must be > 0, attempts >= 1");
        require(campaignPatienceNs >= campaignRetryNs, "campaignPatienceNs must be >= campaignRetryNs");
        require(Integer.bitCount(timerSlots) == 1 && timerSlots >= 2, "timerSlots must be a power of two >= 2");
        require(timerResolutionNs >= 1_000 && timerResolutionNs <= tickIntervalNs,
                "timerResolutionNs must be in [1 us, tickIntervalNs]");
        require(liveness != null && storage != null, "liveness and storage configs are required");
        liveness.validate();
        storage.validate();
        return this;
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid runtime config: " + msg);
        }
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private int loopCount = Runtime.getRuntime().availableProcessors();
        private long tickIntervalNs = 10_000_000L;
        private int electionTimeoutTicks = 30;
        private int heartbeatIntervalTicks = 10;
        private int inboundQueueCapacity = 65_536;
        private int taskQueueCapacity = 16_384;
        private int itemsPerWorkMax = 4_096;
        private int applyQueueCapacity = 1_024;
        private int applyPendingEntriesPerGroupMax = 8_192;
        private long snapshotEntries = 10_000;
        private long snapshotBytes = 64L << 20;
        private long compactKeepEntries = 1_000;
        private int proposalsPendingPerGroupMax = 10_000;
        private long requestTimeoutNs = 10_000_000_000L;
        private int electionsPerMsMax = 20;
        private long failoverRankDelayNs = 2_000_000L;
        private long failoverJitterNs = 3_000_000L;
        private long campaignRetryNs = 60_000_000L;
        private int campaignAttemptsMax = 8;
        private long campaignPatienceNs = 250_000_000L;
        private int quiesceIdleTicks = 100;
        private boolean rejoinAfterTornTail = false;
        private int timerSlots = 1_024;
        private long timerResolutionNs = 1_000_000L;
        private LivenessConfig liveness = LivenessConfig.defaults();
        private EngineConfig storage = EngineConfig.defaults();
        private long seed = 1;

        public Builder loopCount(int v) { loopCount = v; return this; }
        public Builder tickIntervalNs(long v) { tickIntervalNs = v; return this; }
        public Builder electionTimeoutTicks(int v) { electionTimeoutTicks = v; return this; }
        public Builder heartbeatIntervalTicks(int v) { heartbeatIntervalTicks = v; return this; }
        public Builder inboundQueueCapacity(int v) { inboundQueueCapacity = v; return this; }
        public Builder taskQueueCapacity(int v) { taskQueueCapacity = v; return this; }
        public Builder itemsPerWorkMax(int v) { itemsPerWorkMax = v; return this; }
        public Builder applyQueueCapacity(int v) { applyQueueCapacity = v; return this; }
        public Builder applyPendingEntriesPerGroupMax(int v) { applyPendingEntriesPerGroupMax = v; return this; }
        public Builder snapshotEntries(long v) { snapshotEntries = v; return this; }
        public Builder snapshotBytes(long v) { snapshotBytes = v; return this; }
        public Builder compactKeepEntries(long v) { compactKeepEntries = v; return this; }
        public Builder proposalsPendingPerGroupMax(int v) { proposalsPendingPerGroupMax = v; return this; }
        public Builder requestTimeoutNs(long v) { requestTimeoutNs = v; return this; }
        public Builder electionsPerMsMax(int v) { electionsPerMsMax = v; return this; }
        public Builder failoverRankDelayNs(long v) { failoverRankDelayNs = v; return this; }
        public Builder failoverJitterNs(long v) { failoverJitterNs = v; return this; }
        public Builder campaignRetryNs(long v) { campaignRetryNs = v; return this; }
        public Builder campaignAttemptsMax(int v) { campaignAttemptsMax = v; return this; }
        public Builder campaignPatienceNs(long v) { campaignPatienceNs = v; return this; }
        public Builder quiesceIdleTicks(int v) { quiesceIdleTicks = v; return this; }
        public Builder rejoinAfterTornTail(boolean v) { rejoinAfterTornTail = v; return this; }
        public Builder timerSlots(int v) { timerSlots = v; return this; }
        public Builder timerResolutionNs(long v) { timerResolutionNs = v; return this; }
        public Builder liveness(LivenessConfig v) { liveness = v; return this; }
        public Builder storage(EngineConfig v) { storage = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public RuntimeConfig build() {
            return new RuntimeConfig(loopCount, tickIntervalNs, electionTimeoutTicks, heartbeatIntervalTicks,
                    inboundQueueCapacity, taskQueueCapacity, itemsPerWorkMax, applyQueueCapacity,
                    applyPendingEntriesPerGroupMax, snapshotEntries, snapshotBytes, compactKeepEntries,
                    proposalsPendingPerGroupMax, requestTimeoutNs, electionsPerMsMax, failoverRankDelayNs,
                    failoverJitterNs, campaignRetryNs, campaignAttemptsMax, campaignPatienceNs, quiesceIdleTicks, rejoinAfterTornTail, timerSlots,
                    timerResolutionNs, liveness, storage, seed).validate();
        }
    }
}
