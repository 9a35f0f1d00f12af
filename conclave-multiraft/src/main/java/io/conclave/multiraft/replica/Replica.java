package io.conclave.multiraft.replica;

import io.conclave.multiraft.apply.ApplyCursor;
import io.conclave.multiraft.apply.ApplySink;
import io.conclave.multiraft.apply.ApplyTask;
import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.loop.TimerWheel;
import io.conclave.multiraft.node.RequestFailedException;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.HardState;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RaftStatus;
import io.conclave.raft.RandomSource;
import io.conclave.raft.Ready;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SoftState;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.AppendResponse;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.ProposalForward;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.TimeoutNow;
import io.conclave.raft.message.VoteResponse;
import io.conclave.storage.engine.GroupLog;
import io.conclave.storage.engine.StorageStatus;
import io.conclave.storage.wal.WriteCallback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * This node's replica of one group: the {@link RaftNode}, its {@link GroupLog}, the ready pipeline,
 * the clients' pending requests ({@link ClientRequests}), failover campaigns ({@link Campaign}) and
 * the rejoin protocol ({@link Rejoin}), the way of committed entries to the applier ({@link Handoff}).
 * Loop thread only, except {@link #onApplied} and {@link #onStateSnapshot} (applier thread), which
 * only post to the loop.
 *
 * <p>The ready pipeline, one Ready in flight at a time: (1) send the messages the core allows before
 * persisting (a leader's appends, so the followers write in parallel with the leader), and hand the
 * committed entries already durable here to the applier; (2) hand hard state, entries and snapshot
 * to the storage's group commit; (3) on the durable callback (WAL thread) hop back to the loop, send
 * the other messages, hand the snapshot and the other committed entries over (membership changes
 * applied in order on the way), answer read states, {@code advance()}. Messages keep being stepped
 * while a Ready is being persisted.
 */
public final class Replica implements ApplySink {

    private static final System.Logger LOG = System.getLogger(Replica.class.getName());

    /** The context of the read that wakes a resting leader; never a client's (theirs are 8 bytes). */
    private static final byte[] WAKE_CONTEXT = {'w'};

    private final EventLoop loop;
    private final RuntimeConfig config;
    private final long groupId;
    private final long nodeId;
    private final long incarnation;
    private final GroupLog log;
    private final RandomSource raftRandom;
    private final SplittableRandom random;
    private RaftNode node;
    private final ApplyCursor cursor = new ApplyCursor(0);
    final ClientRequests requests;

    // ---- ready pipeline ----
    private Ready inFlight;
    private boolean awaitingDurable;
    private Snapshot startupSnapshot;
    private final Handoff handoff;
    /** Last index the state machine applied. */
    private long appliedIndex;
    private boolean broken;
    private boolean destroyed;

    // ---- scheduling ----
    private boolean inReadyQueue;
    private boolean inCampaignQueue;
    private long nextTickNs;
    private int ticks;
    private long lastActiveTick;
    private boolean tickParked;
    private final Campaign campaign;

    private final Rejoin rejoin;
    private final HeldCommit heldCommit;

    private final TimerWheel.Timer tickTimer = new TimerWheel.Timer() {
        @Override
        protected void onExpire(long nowNs) {
            onTick(nowNs);
        }
    };
    private final TimerWheel.Timer retryTimer = new TimerWheel.Timer() {
        @Override
        protected void onExpire(long nowNs) {
            if (inFlight != null && !awaitingDurable) {
                persist(inFlight);
            }
        }
    };

    private LeaderListener leaderListener;

    public Replica(EventLoop loop, long nodeId, long incarnation, GroupLog log, boolean rejoining,
                   LongConsumer onRejoined) {
        this.loop = loop;
        this.config = loop.config();
        this.groupId = log.groupId();
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.log = log;
        long seed = mix(mix(mix(config.seed(), nodeId), incarnation), groupId);
        this.raftRandom = RandomSource.seeded(seed);
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.requests = new ClientRequests(this, config);
        Snapshot snap = log.snapshot();
        SnapshotFrame.Parts frame = SnapshotFrame.unwrap(snap.data());
        this.startupSnapshot = snap.index() > 0 ? new Snapshot(snap.metadata(), frame.state()) : null;
        this.rejoin = new Rejoin(groupId, nodeId, incarnation, loop, rejoining, onRejoined);
        this.handoff = new Handoff(loop, this, cursor, requests, rejoin, snap.index(), log.initialState().confState(),
                frame.demoted());
        this.heldCommit = new HeldCommit(loop, log, config.tickIntervalNs());
        this.node = new RaftNode(config.raftConfig(nodeId, snap.index()), log, raftRandom);
        this.campaign = new Campaign(this, loop, nodeId, random, this::lastTermAt);
    }

    /** The term of this replica's entry at {@code index}, its last: an over-estimate when not yet stable. */
    private long lastTermAt(long index) {
        if (index > log.lastIndex()) {
            return node.term(); // unstable entries: at most the current term
        }
        try {
            return log.term(index);
        } catch (RuntimeException compacted) {
            return node.term();
        }
    }

    private static long mix(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L + b;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    // ============================== identity ==============================

    @Override
    public long groupId() {
        return groupId;
    }

    public long nodeId() {
        return nodeId;
    }

    public RaftNode raft() {
        return node;
    }

    EventLoop loop() {
        return loop;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    public boolean isBroken() {
        return broken;
    }

    public GroupStatus status() {
        return new GroupStatus(groupId, nodeId, incarnation, node.role(), node.getLeader(), node.term(),
                node.commitIndex(), appliedIndex, node.lastIndex(), log.snapshot().index(), log.firstIndex(),
                node.confState(), node.isQuiesced(), rejoin.active(), broken, heldCommit.durableCommitIndex(),
                handoff.membershipIndex());
    }

    // ============================== client requests ==============================

    public void propose(byte[] data, java.util.concurrent.CompletableFuture<Long> f) {
        noteActive();
        if (fitsOneEntry(data, f)) {
            requests.propose(data, f);
        }
    }

    /** Completes with the index once the leader has appended the entry to its log (not yet committed). */
    public void proposeAppended(byte[] data, java.util.concurrent.CompletableFuture<Long> f) {
        noteActive();
        if (fitsOneEntry(data, f)) {
            requests.proposeAppended(data, f);
        }
    }

    /** An entry storage could never write would stop the loop at persist: refused here, as INVALID. */
    private boolean fitsOneEntry(byte[] data, java.util.concurrent.CompletableFuture<Long> f) {
        if (data.length <= log.entryDataBytesMax()) {
            return true;
        }
        f.completeExceptionally(new RequestFailedException(RequestFailedException.Reason.INVALID, "a proposal of "
                + data.length + " bytes is over the " + log.entryDataBytesMax() + " one entry of group " + groupId
                + " can hold"));
        return false;
    }

    /** Who hears of this replica's leader changes (the runtime's leader table); loop thread. */
    public void setLeaderListener(LeaderListener listener) {
        this.leaderListener = listener;
    }

    /** Told on the loop thread whenever the replica learns of a new leader (0: none known). */
    public interface LeaderListener {
        void onLeader(long groupId, long leader, long term);
    }

    public void read(io.conclave.raft.ReadMode mode, java.util.concurrent.CompletableFuture<Long> f) {
        noteActive();
        requests.read(mode, f);
    }

    public void changeMembership(ConfChange cc, java.util.concurrent.CompletableFuture<Long> f) {
        noteActive();
        requests.changeMembership(cc, f);
    }

    public void transferLeadership(long toNode) {
        noteActive();
        node.transferLeadership(toNode);
        loop.markReady(this);
    }

    // ============================== driving ==============================

    /** Called by the loop when the replica joins it: first tick staggered over one interval. */
    public void start(long nowNs) {
        nextTickNs = nowNs + 1 + random.nextLong(config.tickIntervalNs());
        loop.wheel().schedule(tickTimer, nextTickNs);
        loop.markReady(this);
    }

    public void step(Message m) {
        if (broken) {
            return;
        }
        if (!campaign.admit(m, node, loop.nowNs())) {
            return; // a pre-vote grant to a replica that yields (see Campaign)
        }
        if (m instanceof TimeoutNow && (loop.refusesHandedLeadership() || rejoin.active())) {
            // This node is stopping: it hands leadership away and takes none back. Or this replica may
            // have lost acknowledged data: it must not lead before it is a voter again.
            return;
        }
        if (m instanceof AppendResponse r && r.reject()) {
            forgetProgressIfPeerLostData(r);
        }
        if (m instanceof ProposalForward f && node.isLeader()) {
            // a rejoin's promotion that the membership has overridden since (a late retry) is dropped
            ProposalForward kept = RejoinRequests.withoutStalePromotions(f, handoff.demoted());
            if (kept != f) {
                loop.noteStalePromotionsDropped(f.entries().size() - (kept == null ? 0 : kept.entries().size()));
            }
            if (kept == null) {
                return;
            }
            m = kept;
        }
        node.step(m);
        campaign.afterStep(m, node);
        wakeTicks();
        loop.markReady(this);
    }

    /**
     * On a leader, a rejection whose hint (the end of the peer's log that can match ours) lies below
     * the index the peer acknowledged: the peer lost entries it had made durable — a wiped or replaced
     * disk — and the core would drop this rejection, and every later one, as stale, so that the two
     * trade appends and rejections for good. Forget the peer's progress and probe it afresh
     * ({@code RaftNode.forgetProgress}). This does not wait for liveness to report the peer restarted,
     * which it cannot when the wipe also took the node's incarnation record (the new life counts from 1
     * again) or when the restart was too quick to be suspected (the simulator's seed 13). A peer that
     * kept its log never hints below its match; a delayed duplicate of an old rejection costs one probe.
     */
    private void forgetProgressIfPeerLostData(AppendResponse r) {
        if (!node.isLeader() || r.term() != node.term()) {
            return;
        }
        RaftStatus.PeerProgress p = node.status().progress().get(r.from());
        if (p != null && r.hintIndex() < p.match()) {
            node.forgetProgress(r.from());
        }
    }

    /** Re-arms the tick timer of a resting replica; the next tick parks it again if it still rests. */
    private void wakeTicks() {
        if (tickParked) {
            tickParked = false;
            nextTickNs = loop.nowNs() + config.tickIntervalNs();
            loop.wheel().schedule(tickTimer, nextTickNs);
        }
    }

    /** A client or the runtime asked something of the group: it is not idle. */
    private void noteActive() {
        lastActiveTick = ticks;
        wakeTicks();
    }

    private void onTick(long nowNs) {
        if (broken) {
            return;
        }
        if (!rejoin.active() || node.isLeader()) {
            // A rejoining replica never campaigns (its votes are held back, and a sole replica needs
            // none: RejoiningNeverCampaignsTest), so its core's election clock does not run.
            node.tick();
        }
        ticks++;
        loop.noteTick();
        if (config.quiesceIdleTicks() > 0 && node.isLeader() && !node.isQuiesced()
                && ticks - lastActiveTick >= config.quiesceIdleTicks() && requests.pendingProposals() == 0) {
            node.quiesce();
        }
        if (node.isQuiesced() && !handoff.hasDeferred() && !rejoin.active() && !requests.hasPending()) {
            // A resting group costs no timer work until something wakes it. Not while requests wait:
            // their timeouts are swept on ticks (a deposed leader's proposals beyond the new leader's
            // log stay pending until then), nor while the replica rejoins (its steps run on ticks).
            tickParked = true;
        } else {
            nextTickNs += config.tickIntervalNs();
            if (nextTickNs <= nowNs) {
                nextTickNs = nowNs + config.tickIntervalNs(); // behind: skip, never burst
            }
            loop.wheel().schedule(tickTimer, nextTickNs);
        }
        if (ticks % config.heartbeatIntervalTicks() == 0) {
            requests.expire(nowNs);
            if (rejoin.active()) {
                rejoin.step(node, ticks, handoff.handedIndex(), handoff.demoted());
            } else {
                rejoin.stepSettled(node, ticks, handoff.handedIndex(), handoff.demoted());
            }
        }
        loop.markReady(this);
    }

    /** Schedules a campaign after {@code delayNs}; it stops once a leader other than {@code formerLeader} is known. */
    public void scheduleCampaign(long formerLeader, long delayNs) {
        if (broken || rejoin.active() || !isVoter(node.confState()) || node.isLeader()) {
            return;
        }
        campaign.schedule(formerLeader, delayNs);
    }

    /**
     * The node of our leader is suspected: forget the leader at once (so this replica grants votes to
     * the other followers right away) and campaign soon, the most up-to-date replicas first.
     */
    public void onPeerSuspected(long peer) {
        if (node.getLeader() != peer || node.isLeader() || broken) {
            return;
        }
        node.forgetLeader();
        RequestVote swallowed = campaign.takeSwallowed(node, peer);
        if (swallowed != null) {
            node.step(swallowed); // the lease refused it silently; now that the leader is forgotten, answer it
        }
        wakeTicks();
        loop.markReady(this);
        // Survivors must not campaign together: two pre-candidates grant each other's pre-votes, then
        // split the real vote and retry in step. Stagger them by their place among the surviving voters
        // (identical on every node), after the replicas that still have unpersisted work; when they do
        // not stay apart (loops lag, suspicions arrive at different times), Campaign settles the order.
        long rank = (inFlight == null ? 0 : 1) + survivorPosition(peer);
        scheduleCampaign(peer, rank * config.failoverRankDelayNs() + random.nextLong(config.failoverJitterNs()));
    }

    /**
     * The node of {@code peer} is heard again: it was suspected wrongly, partitioned, or it restarted
     * (a new incarnation counts as a suspicion and a recovery). A resting group it is a member of is
     * woken, so that the peer's replica hears from its leader: after a restart it knows no leader, and
     * when it rejoins after possible data loss it does not vote, so it could not wake the group itself
     * and would wait for a client request to do it (docs/multiraft.md, "Quiescence"). A leader also
     * forgets what it knew of the peer's log and probes it again ({@code RaftNode.forgetProgress}):
     * a peer back with a wiped disk would otherwise have its rejections ignored as stale for good.
     */
    public void onPeerRecovered(long peer) {
        campaign.onPeerRecovered(peer);
        if (broken || !node.isLeader() || !isMember(node.confState(), peer)) {
            return;
        }
        // It may have come back with less than we believed it had (a wiped disk): probe it afresh.
        node.forgetProgress(peer);
        if (node.isQuiesced()) {
            node.readIndex(WAKE_CONTEXT); // wakes the leader, which confirms the read with a heartbeat to every member
            noteActive();
        }
        loop.markReady(this);
    }

    /** Admitted by the loop: campaigns unless a leader is known or another replica has the turn. */
    public boolean campaignNow(long nowNs) {
        if (broken) {
            return false;
        }
        if (!campaign.campaignNow(node, nowNs)) {
            return false;
        }
        noteActive();
        loop.markReady(this);
        return true;
    }

    // ============================== ready pipeline ==============================

    /** Takes and starts the next Ready if there is one and the applier has room. Returns whether it did. */
    public boolean handleReady() {
        if (broken || inFlight != null) {
            return false;
        }
        if (!handoff.submitDeferred()) {
            return false; // retried on the next step, tick or apply news of this replica
        }
        if (startupSnapshot != null) {
            if (!loop.applier().hasCapacity()) {
                loop.noteApplyBackPressure();
                return false;
            }
            loop.applier().submit(new ApplyTask(this, cursor, startupSnapshot, List.of()));
            startupSnapshot = null;
        }
        if (!node.hasReady()) {
            return false;
        }
        if (handoff.handedIndex() - appliedIndex >= config.applyPendingEntriesPerGroupMax() || !loop.applier().hasCapacity()) {
            loop.noteApplyBackPressure();
            return false; // resumed by onApplied
        }
        Ready rd = node.ready();
        inFlight = rd;
        if (rd.hardState() != null) {
            campaign.onHardState(rd.hardState(), loop.nowNs());
        }
        if (rd.softState() != null) {
            onSoftState(rd.softState());
        }
        for (Message m : rd.messages()) {
            if (m.canSendBeforePersist()) {
                send(m);
            }
        }
        handoff.onTaken(node, rd);
        if (!rd.hasPersistentState()) {
            onPersisted(rd);
        } else if (onlyCommitMoved(rd)) {
            heldCommit.hold(rd.hardState());
            onPersisted(rd);
        } else {
            persist(rd);
        }
        return true;
    }

    /**
     * Whether the Ready's only durable news is a higher commit index: no entries, no snapshot, the
     * same term and vote as the hard state last handed to storage.
     */
    private boolean onlyCommitMoved(Ready rd) {
        HardState hs = rd.hardState();
        if (hs == null || !rd.entries().isEmpty() || rd.snapshot() != null) {
            return false;
        }
        HardState last = log.hardState();
        return hs.term() == last.term() && hs.vote() == last.vote();
    }

    private void persist(Ready rd) {
        HardState hs = heldCommit.takeFor(rd.hardState());
        StorageStatus st = log.persist(hs, rd.entries(), rd.snapshot(), new Durable(rd, hs == null ? 0 : hs.commit()));
        // Every status is recoverable: a log lost to corruption takes the leader's entries after its
        // snapshot (GroupLog re-bases it), so nothing here stops the replica.
        switch (st) {
            case OK -> {
                awaitingDurable = true;
                heldCommit.drop(); // it rode with this write
            }
            case QUEUE_FULL, RESOURCE_EXHAUSTED -> {
                loop.notePersistRetry();
                loop.wheel().schedule(retryTimer, loop.nowNs() + config.timerResolutionNs());
            }
            case CLOSED -> { } // shutting down: the Ready is abandoned with the node
        }
    }

    /** The WAL thread's callback: hops back to the loop. */
    private final class Durable implements WriteCallback {
        private final Ready rd;
        private final long commitIndex;

        Durable(Ready rd, long commitIndex) {
            this.rd = rd;
            this.commitIndex = commitIndex;
        }

        @Override
        public void onDurable() {
            loop.postCompletion(() -> {
                heldCommit.confirmed(commitIndex);
                onPersisted(rd);
            });
        }

        @Override
        public void onFailed(IOException cause) {
            loop.postCompletion(() -> onPersistFailed(rd, cause));
        }
    }

    private void onPersisted(Ready rd) {
        if (rd != inFlight) {
            return; // from before a rebuild
        }
        awaitingDurable = false;
        for (Message m : rd.messages()) {
            if (!m.canSendBeforePersist()) {
                send(m);
            }
        }
        handoff.onPersisted(node, rd);
        requests.onReadStates(rd.readStates());
        campaign.onPersisted(node, loop.nowNs());
        node.advance(rd);
        inFlight = null;
        loop.markReady(this);
    }

    /** A write failed (a full disk): the storage fell back to what is durable; rebuild the core from it. */
    private void onPersistFailed(Ready rd, IOException cause) {
        if (rd != inFlight) {
            return;
        }
        loop.notePersistFailure();
        inFlight = null;
        awaitingDurable = false;
        heldCommit.drop(); // the core is rebuilt from what is durable
        try {
            // The entries up to handedIndex are not delivered again: start from the membership applied
            // by then, or the changes since the snapshot are forgotten (RebuildKeepsMembershipTest, and
            // seed 48 of the simulator's metadata workload, RebuildAfterFailedWriteTest).
            long handed = handoff.handedIndex();
            node = new RaftNode(config.raftConfig(nodeId, handed),
                    new AppliedMembership(log, handoff.membershipAt(handed)), raftRandom);
            wakeTicks();
        } catch (RuntimeException e) {
            breakReplica("rebuilding after a failed write (" + cause + ") failed: " + e);
            return;
        }
        loop.markReady(this);
    }

    /**
     * Stops the replica for good: only for a state storage cannot recover from by itself. Visible: an
     * error in the log, the status's {@code broken}, and the node's broken-replica gauge.
     */
    private void breakReplica(String why) {
        broken = true;
        inFlight = null;
        heldCommit.drop();
        String what = "replica of group " + groupId + " on node " + nodeId + " stopped: " + why;
        LOG.log(System.Logger.Level.ERROR, what + "; restart the node to recover it from its storage");
        failRequests(what);
    }

    /** Fails every pending request, including committed proposals in a task kept back from the applier. */
    private void failRequests(String why) {
        requests.failAll(why);
        handoff.dropDeferred(why);
    }

    private void onSoftState(SoftState ss) {
        if (leaderListener != null) {
            leaderListener.onLeader(groupId, ss.leader(), node.term());
        }
        campaign.onLeader(ss.leader());
        if (ss.leader() != nodeId) {
            requests.onLostLeadership(ss.leader());
        }
        if (ss.leader() == 0 && ss.role() == StateRole.FOLLOWER && !campaign.isScheduled() && !inCampaignQueue) {
            scheduleLeaderlessCampaign();
        }
    }

    /**
     * This replica became a follower of nobody without being told to fail over: a higher term arrived
     * with no leader (a rival's failover campaign that may never win, for its log is behind, while
     * the replicas that could win wait for their election timeouts — with liveness-driven failover
     * those may be long). Campaign soon (pre-vote first, so a stale replica cannot disrupt), after
     * a seeded jitter of one to two retry intervals, under the same admission and retry bounds.
     */
    private void scheduleLeaderlessCampaign() {
        long retryNs = config.campaignRetryNs();
        scheduleCampaign(-1, retryNs + random.nextLong(retryNs));
    }

    private void send(Message m) {
        if (rejoin.active() && (m instanceof RequestVote || m instanceof VoteResponse)) {
            return; // may have lost unsynced data: no votes until it is a voter again by the leader's grace
        }
        loop.send(groupId, m);
    }

    // ============================== apply side ==============================

    @Override
    public void onApplied(long index) {
        loop.postCompletion(() -> applied(index));
    }

    @Override
    public void onStateSnapshot(long index, byte[] data) {
        loop.postCompletion(() -> storeSnapshot(index, data));
    }

    private void applied(long index) {
        boolean wasHeld = handoff.handedIndex() - appliedIndex >= config.applyPendingEntriesPerGroupMax();
        appliedIndex = Math.max(appliedIndex, index);
        requests.onApplied(appliedIndex);
        if (wasHeld || handoff.hasDeferred() || node.hasReady()) {
            loop.markReady(this);
        }
    }

    private void storeSnapshot(long index, byte[] data) {
        if (broken || index <= log.snapshot().index() || index > log.lastIndex()) {
            return;
        }
        try {
            log.createSnapshot(index, handoff.membershipAt(index), SnapshotFrame.wrap(handoff.demotedAt(index), data));
        } catch (UncheckedIOException | IllegalStateException e) {
            return; // the next threshold tries again
        }
        heldCommit.confirmed(index); // stored durably: a restart starts no lower
        loop.noteSnapshotStored();
        long compactTo = index - config.compactKeepEntries();
        if (compactTo > log.firstIndex()) {
            log.compact(compactTo);
        }
        handoff.forgetBefore(index);
    }

    // ============================== membership ==============================

    /** This node's position among the group's voters other than {@code failed}, in id order. */
    private long survivorPosition(long failed) {
        ConfState cs = node.confState();
        long position = 0;
        for (Long v : cs.voters()) {
            if (v != failed && v < nodeId) {
                position++;
            }
        }
        return position;
    }

    private static boolean isMember(ConfState cs, long id) {
        return isVoter(cs, id) || cs.learners().contains(id) || cs.learnersNext().contains(id);
    }

    private static boolean isVoter(ConfState cs, long id) {
        return cs.voters().contains(id) || cs.votersOutgoing().contains(id);
    }

    private boolean isVoter(ConfState cs) {
        return isVoter(cs, nodeId);
    }

    public RejoinPhase rejoinPhase() {
        return rejoin.phase();
    }

    // ============================== loop bookkeeping ==============================

    public boolean enterReadyQueue() {
        if (inReadyQueue) {
            return false;
        }
        inReadyQueue = true;
        return true;
    }

    public void leaveReadyQueue() {
        inReadyQueue = false;
    }

    public boolean enterCampaignQueue() {
        if (inCampaignQueue) {
            return false;
        }
        inCampaignQueue = true;
        return true;
    }

    public void leaveCampaignQueue() {
        inCampaignQueue = false;
    }

    /** Stops the replica's timers and fails its pending requests (the runtime is closing). */
    public void close() {
        loop.wheel().cancel(tickTimer);
        campaign.cancel();
        loop.wheel().cancel(retryTimer);
        heldCommit.drop();
        failRequests("the runtime closed");
    }

    /**
     * Stops the replica for good (its group is being destroyed on this node): timers cancelled,
     * pending requests failed with {@code CLOSED}, and everything still queued for it on the loop —
     * a Ready in flight, apply news, a campaign, a place in the ready queue — finds it stopped and does
     * nothing. Its committed entries still queued on the applier are applied (and then forgotten).
     */
    public void destroy() {
        broken = true;
        destroyed = true;
        inFlight = null;
        awaitingDurable = false;
        startupSnapshot = null;
        loop.wheel().cancel(tickTimer);
        campaign.cancel();
        loop.wheel().cancel(retryTimer);
        heldCommit.drop();
        failRequests("the replica of group " + groupId + " on node " + nodeId + " was destroyed");
    }

    /** Whether {@link #destroy()} was called. */
    public boolean isDestroyed() {
        return destroyed;
    }
}
