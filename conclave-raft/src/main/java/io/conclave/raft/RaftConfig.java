package io.conclave.raft;

/**
 * Every bound and switch of one Raft replica. Times are in ticks of the host's clock.
 *
 * @param id this node's id, > 0
 * @param electionTimeoutTicks base election timeout; a follower campaigns after a random timeout in
 *     [electionTimeoutTicks, 2 * electionTimeoutTicks)
 * @param heartbeatIntervalTicks how often a leader sends heartbeats
 * @param preVote whether a node asks before raising its term
 * @param checkQuorum whether a leader steps down without contact from a quorum for an election
 *     timeout, and whether followers ignore votes while they hear from a leader
 * @param maxInflightMessages append messages in flight per follower in replicate mode
 * @param maxInflightBytes bytes of appends in flight per follower (0 = unbounded)
 * @param maxMessageBytes maximum size of entries in one append message
 * @param maxUncommittedBytes maximum bytes of proposals appended but not committed (0 = unbounded)
 * @param maxCommittedBytesPerReady maximum size of committed entries handed out in one Ready
 * @param leaseReads whether {@link ReadMode#LEASE} reads are allowed
 * @param maxClockDrift the largest relative rate difference between any two nodes' tick clocks that
 *     lease reads assume (0.05 = 5 %); the lease is shortened by it
 * @param forwardProposals whether followers forward proposals to the leader instead of refusing them
 * @param stepDownOnRemoval whether a leader removed from the voters steps down once the change is
 *     applied
 * @param snapshotChunkBytes size of one snapshot chunk
 * @param maxSnapshotChunksInFlight snapshot chunks sent ahead of the follower's acknowledgement
 * @param appliedIndex the index the host has applied up to (on restart)
 */
public record RaftConfig(long id, int electionTimeoutTicks, int heartbeatIntervalTicks, boolean preVote,
                         boolean checkQuorum, int maxInflightMessages, long maxInflightBytes, long maxMessageBytes,
                         long maxUncommittedBytes, long maxCommittedBytesPerReady, boolean leaseReads,
                         double maxClockDrift, boolean forwardProposals, boolean stepDownOnRemoval,
                         int snapshotChunkBytes, int maxSnapshotChunksInFlight, long appliedIndex) {

    /** Sensible defaults for node {@code id}. */
    public static RaftConfig defaults(long id) {
        return new RaftConfig(id, 10, 1, true, true, 256, 0, 1 << 20, 64L << 20, 16L << 20,
                false, 0.05, false, true, 256 << 10, 4, 0);
    }

    /** Checks every bound; throws {@link IllegalArgumentException} naming the bad field. */
    public RaftConfig validate() {
        require(id > 0, "id must be > 0, was " + id);
        require(heartbeatIntervalTicks > 0, "heartbeatIntervalTicks must be > 0");
        require(electionTimeoutTicks > heartbeatIntervalTicks,
                "electionTimeoutTicks must be > heartbeatIntervalTicks (" + heartbeatIntervalTicks + ")");
        require(maxInflightMessages > 0, "maxInflightMessages must be > 0");
        require(maxInflightBytes >= 0, "maxInflightBytes must be >= 0");
        require(maxMessageBytes > 0, "maxMessageBytes must be > 0");
        require(maxUncommittedBytes >= 0, "maxUncommittedBytes must be >= 0");
        require(maxCommittedBytesPerReady > 0, "maxCommittedBytesPerReady must be > 0");
        require(maxClockDrift >= 0 && maxClockDrift < 0.5, "maxClockDrift must be in [0, 0.5)");
        require(!leaseReads || checkQuorum, "leaseReads needs checkQuorum: followers must refuse votes while"
                + " they hear from a leader");
        require(!leaseReads || leaseTicks() > 0, "leaseReads: the lease (electionTimeoutTicks shortened by"
                + " maxClockDrift) must be at least one tick; raise electionTimeoutTicks or lower maxClockDrift");
        require(snapshotChunkBytes > 0, "snapshotChunkBytes must be > 0");
        require(maxSnapshotChunksInFlight > 0, "maxSnapshotChunksInFlight must be > 0");
        require(appliedIndex >= 0, "appliedIndex must be >= 0");
        return this;
    }

    /**
     * How long, in the leader's ticks, a lease lasts after the send time of a heartbeat that a quorum
     * acknowledged. A follower will not vote for another candidate for electionTimeoutTicks of its
     * own ticks after hearing from the leader; if the follower's clock runs fast by maxClockDrift and
     * the leader's slow by as much, that is electionTimeoutTicks * (1 - d) / (1 + d) leader ticks.
     * One tick more is taken off for the granularity of ticks.
     */
    public long leaseTicks() {
        return (long) Math.floor(electionTimeoutTicks * (1 - maxClockDrift) / (1 + maxClockDrift)) - 1;
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.electionTimeoutTicks = electionTimeoutTicks;
        b.heartbeatIntervalTicks = heartbeatIntervalTicks;
        b.preVote = preVote;
        b.checkQuorum = checkQuorum;
        b.maxInflightMessages = maxInflightMessages;
        b.maxInflightBytes = maxInflightBytes;
        b.maxMessageBytes = maxMessageBytes;
        b.maxUncommittedBytes = maxUncommittedBytes;
        b.maxCommittedBytesPerReady = maxCommittedBytesPerReady;
        b.leaseReads = leaseReads;
        b.maxClockDrift = maxClockDrift;
        b.forwardProposals = forwardProposals;
        b.stepDownOnRemoval = stepDownOnRemoval;
        b.snapshotChunkBytes = snapshotChunkBytes;
        b.maxSnapshotChunksInFlight = maxSnapshotChunksInFlight;
        b.appliedIndex = appliedIndex;
        return b;
    }

    public static Builder builder(long id) {
        return defaults(id).toBuilder();
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private long id;
        private int electionTimeoutTicks;
        private int heartbeatIntervalTicks;
        private boolean preVote;
        private boolean checkQuorum;
        private int maxInflightMessages;
        private long maxInflightBytes;
        private long maxMessageBytes;
        private long maxUncommittedBytes;
        private long maxCommittedBytesPerReady;
        private boolean leaseReads;
        private double maxClockDrift;
        private boolean forwardProposals;
        private boolean stepDownOnRemoval;
        private int snapshotChunkBytes;
        private int maxSnapshotChunksInFlight;
        private long appliedIndex;

        private Builder(long id) {
            this.id = id;
        }

        public Builder id(long v) { id = v; return this; }
        public Builder electionTimeoutTicks(int v) { electionTimeoutTicks = v; return this; }
        public Builder heartbeatIntervalTicks(int v) { heartbeatIntervalTicks = v; return this; }
        public Builder preVote(boolean v) { preVote = v; return this; }
        public Builder checkQuorum(boolean v) { checkQuorum = v; return this; }
        public Builder maxInflightMessages(int v) { maxInflightMessages = v; return this; }
        public Builder maxInflightBytes(long v) { maxInflightBytes = v; return this; }
        public Builder maxMessageBytes(long v) { maxMessageBytes = v; return this; }
        public Builder maxUncommittedBytes(long v) { maxUncommittedBytes = v; return this; }
        public Builder maxCommittedBytesPerReady(long v) { maxCommittedBytesPerReady = v; return this; }
        public Builder leaseReads(boolean v) { leaseReads = v; return this; }
        public Builder maxClockDrift(double v) { maxClockDrift = v; return this; }
        public Builder forwardProposals(boolean v) { forwardProposals = v; return this; }
        public Builder stepDownOnRemoval(boolean v) { stepDownOnRemoval = v; return this; }
        public Builder snapshotChunkBytes(int v) { snapshotChunkBytes = v; return this; }
        public Builder maxSnapshotChunksInFlight(int v) { maxSnapshotChunksInFlight = v; return this; }
        public Builder appliedIndex(long v) { appliedIndex = v; return this; }

        public RaftConfig build() {
            return new RaftConfig(id, electionTimeoutTicks, heartbeatIntervalTicks, preVote, checkQuorum,
                    maxInflightMessages, maxInflightBytes, maxMessageBytes, maxUncommittedBytes,
                    maxCommittedBytesPerReady, leaseReads, maxClockDrift, forwardProposals, stepDownOnRemoval,
                    snapshotChunkBytes, maxSnapshotChunksInFlight, appliedIndex).validate();
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid raft config: " + message);
        }
    }
}
