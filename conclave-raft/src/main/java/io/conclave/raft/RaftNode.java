package io.conclave.raft;

import io.conclave.raft.confchange.Changer;
import io.conclave.raft.confchange.InvalidConfChangeException;
import io.conclave.raft.log.RaftLog;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.AppendResponse;
import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.HeartbeatResponse;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.MessageType;
import io.conclave.raft.message.ProposalForward;
import io.conclave.raft.message.ReadIndexRequest;
import io.conclave.raft.message.ReadIndexResponse;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.SnapshotChunk;
import io.conclave.raft.message.SnapshotChunkResponse;
import io.conclave.raft.message.TimeoutNow;
import io.conclave.raft.message.TransferLeaderRequest;
import io.conclave.raft.message.VoteResponse;
import io.conclave.raft.progress.Progress;
import io.conclave.raft.progress.ProgressState;
import io.conclave.raft.progress.TrackerConfig;
import io.conclave.raft.progress.ProgressTracker;
import io.conclave.raft.quorum.VoteResult;
import io.conclave.raft.storage.LogCompactedException;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.raft.storage.SnapshotUnavailableException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One replica of one Raft group: a pure, deterministic state machine driven by its host, in the
 * manner of etcd's raft. The host calls {@link #tick()}, {@link #step(Message)}, {@link #propose},
 * {@link #readIndex}, {@link #proposeConfChange}, {@link #transferLeadership}; then takes
 * {@link #ready()}, carries it out (see {@link Ready}) and calls {@link #advance(Ready)}.
 *
 * <p>No threads, clocks, sockets or files: time is the count of {@code tick()} calls, randomness
 * comes from the injected {@link RandomSource}, storage is read through {@link RaftStorage} and
 * written only by the host. Not thread-safe: one owner thread per node.
 *
 * <p>Roles and their transitions are listed on {@link StateRole}. Every role change goes through one
 * {@code becomeX()} method that sets all role state at once.
 *
 * <p>A replica starts from its storage's membership: the snapshot's, or for a new group the genesis
 * voters (see {@code MemoryStorage.withVoters}). A replica that joins an existing group is created
 * with that group's genesis membership and learns every later change from the log (or a snapshot).
 *
 * <p>Invariants checked in code (they throw {@link IllegalStateException}): terms never go back;
 * the commit index never goes back and never passes the log; committed entries are never truncated
 * (state machine safety); a leader never hears another leader of its own term (election safety);
 * a leader only appends.
 */
public final class RaftNode {

    private static final int MAX_PENDING_READS = 4096;

    private final RaftConfig config;
    private final long id;
    private final RaftStorage storage;
    private final RandomSource random;
    private final Set<PlantedBug> bugs;
    private final RaftLog log;
    private final ProgressTracker tracker = new ProgressTracker();
    private final ReadRequests reads = new ReadRequests(MAX_PENDING_READS);
    private final Map<Long, SnapshotTransfer.Outgoing> outgoingSnapshots = new TreeMap<>();
    private SnapshotTransfer.Incoming incomingSnapshot;

    private long term;
    private long vote;
    private long lead;
    private StateRole role = StateRole.FOLLOWER;

    /** Ticks since the last election timeout reset (follower) or check-quorum round (leader). */
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    /** Ticks since this node started: the core's only clock. */
    private long tickCount;
    /**
     * Ticks since this node last heard from a leader (0 while it leads). Within an election timeout
     * of that contact it refuses votes (check-quorum's leader stickiness and the promise that leader
     * leases rest on). Kept apart from {@code lead}, which a higher term clears: the promise holds
     * whatever message carried the new term.
     */
    private long ticksSinceLeaderContact;

    private long leadTransferee;
    /** In this term a TimeoutNow was sent: other nodes may be electing, so no lease reads until the term ends. */
    private boolean timeoutNowSent;
    /** Index of the latest configuration change the leader appended; none may be proposed until it is applied. */
    private long pendingConfIndex;
    private long uncommittedBytes;
    /** Proposals appended since the last broadcast: sent in one append per follower at the next ready(). */
    private boolean appendsPending;
    /** Reads registered for the next heartbeat round, broadcast at the next ready(). */
    private boolean readRoundNeeded;
    /** Idle group: no heartbeats, no election or check-quorum timers, no lease (see {@link #quiesce()}). */
    private boolean quiesced;

    private ArrayList<Message> msgs = new ArrayList<>();
    private ArrayList<ReadState> readStates = new ArrayList<>();
    private SoftState prevSoft;
    private HardState prevHard;
    private boolean readyOutstanding;

    public RaftNode(RaftConfig config, RaftStorage storage, RandomSource random) {
        this(config, storage, random, Set.of());
    }

    /** A node with deliberate bugs switched on: for tests that prove the checkers catch them. */
    public RaftNode(RaftConfig config, RaftStorage storage, RandomSource random, Set<PlantedBug> plantedBugs) {
        this.config = config.validate();
        this.id = config.id();
        this.storage = storage;
        this.random = random;
        this.bugs = plantedBugs.isEmpty() ? Set.of() : EnumSet.copyOf(plantedBugs);
        RaftStorage.InitialState initial = storage.initialState();
        if (initial.confState().voters().isEmpty() && initial.confState().votersOutgoing().isEmpty()) {
            // Membership is computed by applying the log's changes on top of the snapshot's; from an
            // empty start a joining node would compute a wrong one (and could elect itself alone).
            throw new IllegalArgumentException("node " + config.id() + ": storage holds no membership; a replica"
                    + " must start with its group's genesis membership (or a snapshot), never an empty one");
        }
        HardState hs = initial.hardState();
        this.log = new RaftLog(storage, hs.commit(), config.appliedIndex());
        installMembership(TrackerConfig.of(initial.confState()));
        this.term = hs.term();
        this.vote = hs.vote();
        // With lease reads on, a restarted node keeps the promise for one election timeout: it may
        // have acknowledged a lease before the crash and forgotten it.
        this.ticksSinceLeaderContact = config.leaseReads() ? 0 : config.electionTimeoutTicks();
        becomeFollower(term, 0);
        this.prevHard = hs;
        this.prevSoft = new SoftState(0, StateRole.FOLLOWER);
    }

    // ------------------------------------------------------------------ public face

    public long id() {
        return id;
    }

    public boolean isLeader() {
        return role == StateRole.LEADER;
    }

    /** The leader this node knows of, or 0. */
    public long getLeader() {
        return lead;
    }

    public long term() {
        return term;
    }

    public StateRole role() {
        return role;
    }

    public long commitIndex() {
        return log.committed();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public ConfState confState() {
        return tracker.config().toConfState();
    }

    /** Advances logical time by one tick: election timeouts, heartbeats, check-quorum, lease expiry. */
    public void tick() {
        tickCount++;
        ticksSinceLeaderContact = role == StateRole.LEADER ? 0 : ticksSinceLeaderContact + 1;
        if (quiesced) {
            return;
        }
        if (role == StateRole.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
    }

    /** Starts an election now (a pre-vote first when enabled), if this node may lead. */
    public void campaign() {
        quiesced = false;
        hup(false);
    }

    /**
     * Puts an idle group to rest, on the leader: when every member has the whole log and it is all
     * committed, the leader tells its followers with a last heartbeat and all of them stop their
     * timers, so an idle group costs no messages and no work per tick. Any new work (a proposal, a
     * read, a membership change, a transfer, a message other than a heartbeat answer) wakes it.
     * While quiesced nobody watches the leader from inside the group: the host must, with
     * node-level liveness, and call {@link #forgetLeader()} or {@link #campaign()} on the
     * followers of a leader whose node failed. Returns whether the group is now quiesced.
     */
    public boolean quiesce() {
        if (role != StateRole.LEADER) {
            return false;
        }
        if (quiesced) {
            return true;
        }
        long last = log.lastIndex();
        if (leadTransferee != 0 || appendsPending || readRoundNeeded || reads.pendingCount() > 0
                || !outgoingSnapshots.isEmpty() || log.committed() != last || log.lastStableIndex() != last
                || tracker.config().isJoint()) {
            return false;
        }
        for (var e : tracker.progress().entrySet()) {
            if (e.getKey() != id && e.getValue().match() != last) {
                return false;
            }
        }
        quiesced = true;
        reads.reset(); // no lease survives quiescence: a new round after waking must confirm it
        for (Long peer : tracker.progress().keySet()) {
            if (peer != id) {
                send(new Heartbeat(id, peer, term, last, 0, true));
            }
        }
        return true;
    }

    public boolean isQuiesced() {
        return quiesced;
    }

    /**
     * On a leader: forgets what it knew of {@code peer}'s log, as a new leader would, and probes it
     * from the end of the log again. For a peer whose node restarted: one that lost its data (a
     * wiped disk) rejects appends below the index the leader believed it matched, and in replicate
     * mode those rejections are ignored as stale — without this the two would trade appends and
     * rejections for good. Harmless for a peer that kept its log: its next answer restores the match.
     * The commit index never goes back. No-op on a follower, for itself or for an unknown peer.
     */
    public void forgetProgress(long peer) {
        Progress pr = tracker.progress().get(peer);
        if (role != StateRole.LEADER || peer == id || pr == null) {
            return;
        }
        pr.reset(0, log.lastIndex() + 1);
    }

    /**
     * On a follower whose leader's node was reported failed: resume the election timer and, unless
     * lease reads are on, forget the leader at once, so this node grants (pre-)votes to others
     * right away. With lease reads on the leader is only forgotten when the election timeout runs
     * out: a node suspected wrongly may still hold a lease that this follower's promise backs, so
     * failover then takes one election timeout — the price of lease reads.
     */
    public void forgetLeader() {
        if (role != StateRole.FOLLOWER) {
            return;
        }
        quiesced = false;
        if (!config.leaseReads()) {
            lead = 0;
            ticksSinceLeaderContact = config.electionTimeoutTicks();
        }
    }

    private void wake() {
        if (quiesced) {
            quiesced = false;
            electionElapsed = 0;
            heartbeatElapsed = 0;
        }
    }

    /** Feeds a message from a peer. Stale or irrelevant messages are dropped. */
    public void step(Message m) {
        if (m.to() != id) {
            throw new IllegalArgumentException("message for " + m.to() + " stepped into node " + id + ": " + m);
        }
        if (m.term() == 0 && !carriesNoTerm(m)) {
            return; // only forwarded requests lack a term; anything else at term 0 is malformed
        }
        if (m.term() > term) {
            if (!onHigherTerm(m)) {
                return;
            }
        } else if (m.term() != 0 && m.term() < term) {
            onLowerTerm(m);
            return;
        }
        if (m instanceof RequestVote v) {
            handleVoteRequest(v);
            return;
        }
        if (role == StateRole.LEADER && m.type() != MessageType.HEARTBEAT_RESPONSE) {
            wake();
        }
        switch (role) {
            case LEADER:
                stepLeader(m);
                break;
            case FOLLOWER:
                stepFollower(m);
                break;
            default:
                stepCandidate(m);
                break;
        }
    }

    private static boolean carriesNoTerm(Message m) {
        MessageType t = m.type();
        return t == MessageType.PROPOSE || t == MessageType.READ_INDEX || t == MessageType.TRANSFER_LEADER;
    }

    public ProposeResult propose(byte[] data) {
        return proposeEntries(List.of(Entry.normal(0, 0, data)));
    }

    /** Proposes several entries at once; they get consecutive indexes and travel together. */
    public ProposeResult proposeBatch(List<byte[]> batch) {
        List<Entry> ents = new ArrayList<>(batch.size());
        for (byte[] b : batch) {
            ents.add(Entry.normal(0, 0, b));
        }
        return proposeEntries(ents);
    }

    /**
     * Proposes a membership change. Refused while another change is not yet applied, while joint
     * unless it is the change that leaves, and when the change itself is invalid.
     */
    public ProposeResult proposeConfChange(ConfChange cc) {
        if (role == StateRole.LEADER) {
            if (pendingConfIndex > log.applied()) {
                return ProposeResult.rejected(ProposeResult.Status.CONF_CHANGE_PENDING, id);
            }
            boolean joint = tracker.config().isJoint();
            if (joint && !cc.isLeaveJoint()) {
                return ProposeResult.rejected(ProposeResult.Status.CONF_CHANGE_PENDING, id);
            }
            try {
                computeConfChange(cc);
            } catch (InvalidConfChangeException e) {
                return ProposeResult.rejected(ProposeResult.Status.INVALID, id);
            }
        }
        ProposeResult r = proposeEntries(List.of(new Entry(0, 0, EntryType.CONF_CHANGE, cc.encode())));
        if (r.accepted()) {
            pendingConfIndex = r.lastIndex();
        }
        return r;
    }

    /**
     * Applies a committed membership change; the host calls it when it applies the CONF_CHANGE
     * entry. Returns the membership now in force. A change that is invalid from the current
     * membership is skipped, identically on every replica.
     */
    public ConfState applyConfChange(ConfChange cc) {
        Changer.Result r;
        try {
            r = computeConfChange(cc);
        } catch (InvalidConfChangeException e) {
            return confState();
        }
        return switchToConfig(r.config(), r.progress());
    }

    public ReadStatus readIndex(byte[] context) {
        return readIndex(context, ReadMode.READ_INDEX);
    }

    /**
     * Asks for a read: its {@link ReadState} comes in a later Ready. On the leader, LEASE mode
     * answers at once while the lease holds and falls back to a ReadIndex round otherwise; a
     * follower forwards the request to the leader, which answers with a ReadIndex round.
     */
    public ReadStatus readIndex(byte[] context, ReadMode mode) {
        if (role == StateRole.LEADER) {
            return leaderRead(context, 0, mode) ? ReadStatus.ACCEPTED : ReadStatus.BACK_PRESSURE;
        }
        if (lead == 0) {
            return ReadStatus.NO_LEADER;
        }
        send(new ReadIndexRequest(id, lead, 0, context));
        return ReadStatus.FORWARDED;
    }

    /** Hands leadership to {@code transferee}: catch it up, then tell it to campaign at once. */
    public void transferLeadership(long transferee) {
        if (role != StateRole.LEADER) {
            if (lead != 0 && lead != id) {
                send(new TransferLeaderRequest(id, lead, 0, transferee));
            }
            return;
        }
        Progress pr = tracker.get(transferee);
        if (transferee == id || pr == null || pr.isLearner()) {
            return;
        }
        if (leadTransferee != 0) {
            if (leadTransferee == transferee) {
                return;
            }
            leadTransferee = 0;
        }
        wake();
        electionElapsed = 0; // the transfer must finish within an election timeout
        leadTransferee = transferee;
        if (pr.match() == log.lastIndex()) {
            sendTimeoutNow(transferee);
        } else {
            sendAppend(transferee);
        }
    }

    /** The host could not deliver to {@code peer}: the leader falls back to probing it. */
    public void reportUnreachable(long peer) {
        if (role != StateRole.LEADER) {
            return;
        }
        Progress pr = tracker.get(peer);
        if (pr == null) {
            return;
        }
        if (pr.state() == ProgressState.SNAPSHOT) {
            outgoingSnapshots.remove(peer);
        }
        if (pr.state() != ProgressState.PROBE) {
            pr.becomeProbe();
        }
    }

    public boolean hasReady() {
        if (readyOutstanding) {
            return false;
        }
        return !msgs.isEmpty() || !readStates.isEmpty() || appendsPending || readRoundNeeded
                || !log.unstableEntries().isEmpty() || log.hasPendingSnapshot() || log.hasNextCommittedEntries()
                || lead != prevSoft.leader() || role != prevSoft.role()
                || term != prevHard.term() || vote != prevHard.vote() || log.committed() != prevHard.commit();
    }

    /** What the host must do next; call {@link #advance(Ready)} once done. */
    public Ready ready() {
        if (readyOutstanding) {
            throw new IllegalStateException("ready() called again before advance()");
        }
        flushPending();
        SoftState softOut = lead != prevSoft.leader() || role != prevSoft.role() ? new SoftState(lead, role) : null;
        HardState hardOut = term != prevHard.term() || vote != prevHard.vote() || log.committed() != prevHard.commit()
                ? new HardState(term, vote, log.committed()) : null;
        List<Entry> unstable = log.unstableEntries();
        List<Entry> ents = unstable.isEmpty() ? List.of() : new ArrayList<>(unstable);
        Snapshot snap = log.pendingSnapshot();
        List<Entry> committed = log.nextCommittedEntries(config.maxCommittedBytesPerReady());
        boolean mustSync = !ents.isEmpty() || snap != null
                || (hardOut != null && (hardOut.term() != prevHard.term() || hardOut.vote() != prevHard.vote()));
        Ready rd = new Ready(softOut, hardOut, readStates.isEmpty() ? List.of() : readStates, ents, snap, committed,
                msgs.isEmpty() ? List.of() : msgs, mustSync);
        if (!readStates.isEmpty()) {
            readStates = new ArrayList<>();
        }
        if (!msgs.isEmpty()) {
            msgs = new ArrayList<>();
        }
        if (softOut != null) {
            prevSoft = softOut;
        }
        if (hardOut != null) {
            prevHard = hardOut;
        }
        if (!committed.isEmpty()) {
            log.applyingTo(committed.get(committed.size() - 1).index());
            if (role == StateRole.LEADER) {
                for (Entry e : committed) {
                    uncommittedBytes = Math.max(0, uncommittedBytes - e.data().length);
                }
            }
        }
        readyOutstanding = true;
        return rd;
    }

    /** The host has persisted, sent and applied what {@code rd} asked for. */
    public void advance(Ready rd) {
        if (!readyOutstanding) {
            throw new IllegalStateException("advance() without a ready()");
        }
        readyOutstanding = false;
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        if (rd.snapshot() != null) {
            log.stableSnapTo(rd.snapshot().index());
            log.snapshotApplied(rd.snapshot().index());
        }
        if (!rd.committedEntries().isEmpty()) {
            log.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).index());
        }
        if (role == StateRole.LEADER) {
            Progress self = tracker.get(id);
            // The leader counts its own log only once persisted (it may send before persisting).
            if (self != null && self.maybeUpdate(Math.min(log.lastStableIndex(), log.lastIndex())) && maybeCommit()) {
                bcastAppend();
            }
            maybeAutoLeaveJoint();
        }
    }

    public RaftStatus status() {
        Map<Long, RaftStatus.PeerProgress> prs = new LinkedHashMap<>();
        if (role == StateRole.LEADER) {
            for (var e : tracker.progress().entrySet()) {
                Progress p = e.getValue();
                prs.put(e.getKey(), new RaftStatus.PeerProgress(p.match(), p.next(), p.state().name(),
                        p.recentActive(), p.isLearner()));
            }
        }
        return new RaftStatus(id, term, vote, log.committed(), log.applied(), log.lastIndex(), role, lead,
                leadTransferee, confState(), Map.copyOf(prs));
    }

    // ------------------------------------------------------------------ roles

    private void becomeFollower(long newTerm, long newLead) {
        reset(newTerm);
        lead = newLead;
        role = StateRole.FOLLOWER;
    }

    private void becomePreCandidate() {
        if (role == StateRole.LEADER) {
            throw new IllegalStateException("leader cannot become pre-candidate");
        }
        // The term is not raised and the vote is kept: a pre-vote changes nothing durable.
        tracker.resetVotes();
        lead = 0;
        role = StateRole.PRE_CANDIDATE;
    }

    private void becomeCandidate() {
        if (role == StateRole.LEADER) {
            throw new IllegalStateException("leader cannot become candidate");
        }
        reset(term + 1);
        vote = id;
        role = StateRole.CANDIDATE;
    }

    private void becomeLeader() {
        if (role == StateRole.FOLLOWER) {
            throw new IllegalStateException("follower cannot become leader without an election");
        }
        reset(term);
        lead = id;
        role = StateRole.LEADER;
        ticksSinceLeaderContact = 0;
        Progress self = tracker.get(id);
        if (self != null) {
            self.becomeReplicate();
        }
        // No configuration change may be proposed until everything up to here is applied: the log may
        // hold an unapplied change.
        pendingConfIndex = log.lastIndex();
        // The no-op entry of the new term: once it commits, everything before it is committed too
        // (§5.4.2), and reads may be served. Not counted against the uncommitted-bytes limit.
        long idx = log.lastIndex() + 1;
        log.append(List.of(Entry.normal(term, idx, null)));
        appendsPending = true;
        if (removedLeader()) {
            handOver(); // elected from outside the configuration: only to pass the log on
        }
    }

    private void reset(long newTerm) {
        if (newTerm < term) {
            throw new IllegalStateException("term would go back from " + term + " to " + newTerm);
        }
        if (newTerm != term) {
            term = newTerm;
            vote = 0;
            incomingSnapshot = null;
            timeoutNowSent = false;
        }
        lead = 0;
        quiesced = false;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTimeoutTicks() + random.nextInt(config.electionTimeoutTicks());
        leadTransferee = 0;
        tracker.resetVotes();
        long last = log.lastIndex();
        long stable = Math.min(log.lastStableIndex(), last);
        for (var e : tracker.progress().entrySet()) {
            e.getValue().reset(e.getKey() == id ? stable : 0, last + 1);
        }
        pendingConfIndex = 0;
        uncommittedBytes = 0;
        appendsPending = false;
        readRoundNeeded = false;
        reads.reset();
        outgoingSnapshots.clear();
    }

    /**
     * Whether this node may campaign. Learners never do. A node removed from the group still may,
     * among the voters of its configuration (it never counts itself): the remaining voters may not
     * yet know the removal committed and may need a leader with our longer log to learn it. Such a
     * leader only hands over ({@link #handOver()}); pre-vote and check-quorum keep it from disturbing
     * a healthy leader, and the host destroys removed replicas once the change is known everywhere.
     */
    private boolean promotable() {
        Progress self = tracker.get(id);
        return (self == null || !self.isLearner()) && !tracker.config().voters().incoming().isEmpty()
                && !log.hasPendingSnapshot();
    }

    // ------------------------------------------------------------------ time

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            hup(false);
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.electionTimeoutTicks()) {
            electionElapsed = 0;
            if (removedLeader()) {
                handOver(); // retry the hand-over; no check-quorum: stepping down could strand the group
            } else if (config.checkQuorum()) {
                if (!tracker.quorumActive(id)) {
                    becomeFollower(term, 0); // check-quorum: we may be on the minority side
                    return;
                }
                for (var e : tracker.progress().entrySet()) {
                    if (e.getKey() != id) {
                        e.getValue().setRecentActive(false);
                    }
                }
                leadTransferee = 0; // a transfer that did not finish within an election timeout is abandoned
            } else {
                leadTransferee = 0;
            }
        }
        if (heartbeatElapsed >= config.heartbeatIntervalTicks()) {
            heartbeatElapsed = 0;
            broadcastHeartbeat();
        }
        for (var e : outgoingSnapshots.entrySet()) {
            SnapshotTransfer.Outgoing out = e.getValue();
            if (tickCount - out.lastProgressTick > config.electionTimeoutTicks()) {
                out.rewind(tickCount);
                sendSnapshotChunks(e.getKey(), out);
            }
        }
    }

    // ------------------------------------------------------------------ elections

    private void hup(boolean transfer) {
        if (role == StateRole.LEADER || !promotable() || hasUnappliedConfChange()) {
            return;
        }
        startElection(config.preVote() && !transfer, transfer);
    }

    private boolean hasUnappliedConfChange() {
        if (log.committed() <= log.applied()) {
            return false;
        }
        try {
            for (Entry e : log.slice(log.applied() + 1, log.committed() + 1, Long.MAX_VALUE)) {
                if (e.type() == EntryType.CONF_CHANGE) {
                    return true;
                }
            }
        } catch (LogCompactedException e) {
            return false;
        }
        return false;
    }

    private void startElection(boolean pre, boolean transfer) {
        long voteTerm;
        if (pre) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        if ((tracker.isVoter(id) ? tracker.recordVote(id, true) : tracker.tally()) == VoteResult.WON) {
            if (pre) {
                startElection(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        long lastIndex = log.lastIndex();
        long lastTerm = log.lastTerm();
        for (Long peer : tracker.config().voters().ids()) {
            if (peer != id) {
                send(new RequestVote(id, peer, voteTerm, lastIndex, lastTerm, pre, transfer));
            }
        }
    }

    private boolean onHigherTerm(Message m) {
        if (m instanceof RequestVote v) {
            if (!v.leaderTransfer() && inLeaderLease()) {
                return false; // we hear from a leader: a disrupting candidate gets no answer
            }
            if (v.preVote()) {
                return true; // a pre-vote never changes our term
            }
            becomeFollower(m.term(), 0);
            return true;
        }
        if (m instanceof VoteResponse r && r.preVote() && r.granted()) {
            return true; // granted pre-votes carry the term we would campaign in
        }
        boolean fromLeader = m instanceof AppendEntries || m instanceof Heartbeat || m instanceof SnapshotChunk;
        becomeFollower(m.term(), fromLeader ? m.from() : 0);
        return true;
    }

    private void onLowerTerm(Message m) {
        if ((config.checkQuorum() || config.preVote()) && (m instanceof AppendEntries || m instanceof Heartbeat)) {
            // A stale leader (e.g. partitioned away) learns our term from this and steps down.
            send(new AppendResponse(id, m.from(), term, 0, false, 0, 0));
        } else if (m instanceof RequestVote v && v.preVote()) {
            send(new VoteResponse(id, m.from(), term, true, false));
        }
    }

    /** Whether this node heard from a leader within an election timeout, and so refuses votes. */
    private boolean inLeaderLease() {
        return config.checkQuorum() && ticksSinceLeaderContact < config.electionTimeoutTicks();
    }

    private void handleVoteRequest(RequestVote v) {
        boolean canVote = (vote == v.from() || (vote == 0 && lead == 0) || (v.preVote() && v.term() > term))
                && (vote == v.from() || v.leaderTransfer() || !inLeaderLease());
        if (bugs.contains(PlantedBug.VOTE_IGNORES_TERM)) {
            canVote = true;
        }
        if (canVote && log.isUpToDate(v.lastLogIndex(), v.lastLogTerm())) {
            send(new VoteResponse(id, v.from(), v.term(), v.preVote(), true));
            if (!v.preVote()) {
                electionElapsed = 0;
                vote = v.from();
            }
        } else {
            send(new VoteResponse(id, v.from(), term, v.preVote(), false));
        }
    }

    private void stepCandidate(Message m) {
        switch (m.type()) {
            case APPEND:
                becomeFollower(m.term(), m.from());
                handleAppend((AppendEntries) m);
                break;
            case HEARTBEAT:
                becomeFollower(m.term(), m.from());
                handleHeartbeat((Heartbeat) m);
                break;
            case SNAPSHOT_CHUNK:
                becomeFollower(m.term(), m.from());
                handleSnapshotChunk((SnapshotChunk) m);
                break;
            case VOTE_RESPONSE:
                VoteResponse r = (VoteResponse) m;
                if (r.preVote() != (role == StateRole.PRE_CANDIDATE)) {
                    return;
                }
                VoteResult res = tracker.recordVote(r.from(), r.granted());
                if (res == VoteResult.WON) {
                    if (role == StateRole.PRE_CANDIDATE) {
                        startElection(false, false);
                    } else {
                        becomeLeader();
                    }
                } else if (res == VoteResult.LOST) {
                    becomeFollower(term, 0);
                }
                break;
            default:
                break; // proposals and reads need a leader; TimeoutNow is for followers
        }
    }

    // ------------------------------------------------------------------ follower

    private void stepFollower(Message m) {
        switch (m.type()) {
            case APPEND:
                heardFromLeader(m.from());
                handleAppend((AppendEntries) m);
                break;
            case HEARTBEAT:
                heardFromLeader(m.from());
                handleHeartbeat((Heartbeat) m);
                break;
            case SNAPSHOT_CHUNK:
                heardFromLeader(m.from());
                handleSnapshotChunk((SnapshotChunk) m);
                break;
            case PROPOSE:
                if (lead != 0 && config.forwardProposals()) {
                    send(new ProposalForward(id, lead, 0, ((ProposalForward) m).entries()));
                }
                break;
            case TRANSFER_LEADER:
                if (lead != 0) {
                    send(new TransferLeaderRequest(id, lead, 0, ((TransferLeaderRequest) m).transferee()));
                }
                break;
            case TIMEOUT_NOW:
                hup(true); // skip pre-vote: the leader asked us to take over
                break;
            case READ_INDEX_RESPONSE:
                ReadIndexResponse r = (ReadIndexResponse) m;
                if (!r.rejected()) {
                    readStates.add(new ReadState(r.index(), r.context()));
                }
                break;
            default:
                break;
        }
    }

    private void heardFromLeader(long from) {
        electionElapsed = 0;
        ticksSinceLeaderContact = 0;
        lead = from;
        quiesced = false;
    }

    private void handleAppend(AppendEntries a) {
        if (a.prevLogIndex() < log.committed()) {
            send(AppendResponse.accept(id, a.from(), term, log.committed()));
            return;
        }
        long lastNew = log.maybeAppend(a.prevLogIndex(), a.prevLogTerm(), a.commit(), a.entries());
        if (lastNew >= 0) {
            send(AppendResponse.accept(id, a.from(), term, lastNew));
            return;
        }
        // Rejected: hint the largest index whose term is at most the leader's prevLogTerm, so that the
        // leader skips a whole divergent term at once.
        long hintIndex = log.findConflictByTerm(Math.min(a.prevLogIndex(), log.lastIndex()), a.prevLogTerm());
        send(new AppendResponse(id, a.from(), term, a.prevLogIndex(), true, hintIndex, log.termOrZero(hintIndex)));
    }

    private void handleHeartbeat(Heartbeat h) {
        // The leader caps the commit index at what it knows we match, so this never commits a
        // divergent entry; the min with our last index guards against a lost tail.
        log.commitTo(Math.min(h.commit(), log.lastIndex()));
        if (h.quiesce() && log.committed() == log.lastIndex() && log.committed() == h.commit()) {
            quiesced = true; // caught up with an idle leader: stop the election timer
        }
        send(new HeartbeatResponse(id, h.from(), term, h.round()));
    }

    private void handleSnapshotChunk(SnapshotChunk c) {
        SnapshotMetadata meta = c.metadata();
        if (meta.index() <= log.committed()) {
            incomingSnapshot = null; // we already have everything it covers
            send(new SnapshotChunkResponse(id, c.from(), term, meta.index(), c.totalBytes(), true, false));
            return;
        }
        if (incomingSnapshot == null || !incomingSnapshot.matches(c)) {
            if (c.offset() != 0) {
                send(new SnapshotChunkResponse(id, c.from(), term, meta.index(), 0, false, false));
                return;
            }
            incomingSnapshot = new SnapshotTransfer.Incoming(meta, c.term(), c.totalBytes());
        }
        SnapshotTransfer.Incoming in = incomingSnapshot;
        in.accept(c);
        if (!in.complete()) {
            send(new SnapshotChunkResponse(id, c.from(), term, meta.index(), in.received, false, false));
            return;
        }
        incomingSnapshot = null;
        // The snapshot's membership may not include us (we were added after its index): install it
        // all the same; the leader's log after it carries the change that added us.
        restore(in.toSnapshot());
        // Sent after the host has persisted the Ready carrying the snapshot.
        send(new SnapshotChunkResponse(id, c.from(), term, meta.index(), in.received, true, false));
    }

    private void restore(Snapshot s) {
        if (log.matchTerm(s.index(), s.term())) {
            log.commitTo(s.index()); // our log already holds it: just move the commit index
            return;
        }
        log.restore(s);
        installMembership(TrackerConfig.of(s.metadata().confState()));
    }

    // ------------------------------------------------------------------ leader

    private void stepLeader(Message m) {
        switch (m.type()) {
            case PROPOSE:
                proposeForwarded(((ProposalForward) m).entries());
                return;
            case READ_INDEX:
                ReadIndexRequest rr = (ReadIndexRequest) m;
                if (!leaderRead(rr.context(), rr.from(), ReadMode.READ_INDEX)) {
                    send(new ReadIndexResponse(id, rr.from(), term, 0, rr.context(), true));
                }
                return;
            case TRANSFER_LEADER:
                transferLeadership(((TransferLeaderRequest) m).transferee());
                return;
            case APPEND:
            case HEARTBEAT:
            case SNAPSHOT_CHUNK:
                throw new IllegalStateException("election safety violated: leader " + id + " of term " + term
                        + " received " + m);
            default:
                break;
        }
        Progress pr = tracker.get(m.from());
        if (pr == null) {
            return;
        }
        switch (m.type()) {
            case APPEND_RESPONSE:
                pr.setRecentActive(true);
                handleAppendResponse((AppendResponse) m, pr);
                break;
            case HEARTBEAT_RESPONSE:
                pr.setRecentActive(true);
                handleHeartbeatResponse((HeartbeatResponse) m, pr);
                break;
            case SNAPSHOT_CHUNK_RESPONSE:
                pr.setRecentActive(true);
                handleSnapshotResponse((SnapshotChunkResponse) m, pr);
                break;
            default:
                break;
        }
    }

    /** Proposals forwarded by a follower: membership changes get the same checks as local ones. */
    private void proposeForwarded(List<Entry> ents) {
        List<Entry> normal = new ArrayList<>(ents.size());
        for (Entry e : ents) {
            if (e.type() == EntryType.CONF_CHANGE) {
                if (!normal.isEmpty()) {
                    proposeEntries(normal);
                    normal = new ArrayList<>();
                }
                try {
                    proposeConfChange(ConfChange.decode(e.data()));
                } catch (IllegalArgumentException malformed) {
                    // dropped: a malformed change is never appended
                }
            } else {
                normal.add(e);
            }
        }
        if (!normal.isEmpty()) {
            proposeEntries(normal);
        }
    }

    private ProposeResult proposeEntries(List<Entry> ents) {
        wake();
        if (ents.isEmpty()) {
            return ProposeResult.rejected(ProposeResult.Status.INVALID, lead);
        }
        if (role != StateRole.LEADER) {
            if (lead == 0) {
                return ProposeResult.rejected(ProposeResult.Status.NOT_LEADER, 0);
            }
            if (config.forwardProposals()) {
                send(new ProposalForward(id, lead, 0, ents));
                return ProposeResult.rejected(ProposeResult.Status.FORWARDED, lead);
            }
            return ProposeResult.rejected(ProposeResult.Status.NOT_LEADER, lead);
        }
        if (removedLeader() || tracker.get(id) == null) {
            return ProposeResult.rejected(ProposeResult.Status.TRANSFERRING, leadTransferee);
        }
        if (leadTransferee != 0) {
            return ProposeResult.rejected(ProposeResult.Status.TRANSFERRING, leadTransferee);
        }
        long size = 0;
        for (Entry e : ents) {
            size += e.data().length;
        }
        if (config.maxUncommittedBytes() > 0 && uncommittedBytes > 0
                && uncommittedBytes + size > config.maxUncommittedBytes()) {
            return ProposeResult.rejected(ProposeResult.Status.BACK_PRESSURE, id);
        }
        uncommittedBytes += size;
        long first = log.lastIndex() + 1;
        List<Entry> placed = new ArrayList<>(ents.size());
        for (int i = 0; i < ents.size(); i++) {
            placed.add(ents.get(i).withTermAndIndex(term, first + i));
        }
        log.append(placed);
        appendsPending = true;
        return new ProposeResult(ProposeResult.Status.ACCEPTED, term, first, first + ents.size() - 1, id);
    }

    private void handleAppendResponse(AppendResponse r, Progress pr) {
        if (r.reject()) {
            long next = r.hintIndex();
            if (r.hintTerm() > 0) {
                next = log.findConflictByTerm(r.hintIndex(), r.hintTerm());
            }
            if (pr.maybeDecrTo(r.index(), next)) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(r.from());
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(r.index())) {
            if (pr.state() == ProgressState.PROBE && r.index() == pr.match() && r.index() > 0) {
                // The probe landed where we already knew the follower matches: stream from there.
                pr.becomeReplicate();
                while (maybeSendAppend(r.from(), false)) {
                    // fill the window
                }
            }
            return;
        }
        switch (pr.state()) {
            case PROBE:
                pr.becomeReplicate();
                break;
            case SNAPSHOT:
                if (pr.match() + 1 >= log.firstIndex()) {
                    outgoingSnapshots.remove(r.from());
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
                break;
            default:
                pr.inflights().freeLE(r.index());
                break;
        }
        if (maybeCommit()) {
            bcastAppend();
        } else if (wasPaused) {
            sendAppend(r.from());
        }
        while (maybeSendAppend(r.from(), false)) {
            // keep the window full
        }
        if (r.from() == leadTransferee && pr.match() == log.lastIndex()) {
            sendTimeoutNow(r.from());
        }
    }

    private void handleHeartbeatResponse(HeartbeatResponse r, Progress pr) {
        pr.resumeProbe();
        if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
            pr.inflights().freeFirst(); // the follower is alive; lost appends must not stall the window
        }
        if (pr.match() < log.lastIndex()) {
            sendAppend(r.from());
        }
        pr.ackRound(r.round());
        confirmReads();
    }

    private void handleSnapshotResponse(SnapshotChunkResponse r, Progress pr) {
        SnapshotTransfer.Outgoing out = outgoingSnapshots.get(r.from());
        if (pr.state() != ProgressState.SNAPSHOT || out == null || r.snapshotIndex() != out.snapshot.index()) {
            return;
        }
        if (r.reject()) {
            outgoingSnapshots.remove(r.from());
            pr.becomeProbe();
            return;
        }
        if (r.done()) {
            // The follower persisted the snapshot before answering: it matches us up to its index.
            outgoingSnapshots.remove(r.from());
            pr.maybeUpdate(out.snapshot.index());
            pr.becomeProbe();
            if (log.termOrNegative(pr.next() - 1) >= 0) {
                sendAppend(r.from());
            }
            // Else our log no longer starts right after the snapshot storage offers (it was compacted
            // past it, and the newer snapshot is gone): sending that snapshot again would be answered
            // "done" at once, a storm of round trips. The next heartbeat round probes again, until a
            // newer snapshot can be sent.
            return;
        }
        out.acknowledged(r.nextOffset(), tickCount);
        sendSnapshotChunks(r.from(), out);
    }

    private boolean maybeCommit() {
        long mci = tracker.committed();
        boolean moved;
        if (bugs.contains(PlantedBug.COMMIT_PREVIOUS_TERM_BY_COUNTING)) {
            moved = mci > log.committed() && mci <= log.lastIndex();
            if (moved) {
                log.commitTo(mci);
            }
        } else {
            moved = log.maybeCommit(mci, term);
        }
        if (moved && committedEntryInCurrentTerm()) {
            for (ReadRequests.Pending p : reads.drainBeforeCommit()) {
                leaderRead(p.context(), p.from(), ReadMode.READ_INDEX);
            }
        }
        return moved;
    }

    private boolean committedEntryInCurrentTerm() {
        return log.termOrZero(log.committed()) == term;
    }

    /** Registers a read on the leader; false when too many are waiting. */
    private boolean leaderRead(byte[] context, long from, ReadMode mode) {
        wake();
        if (!reads.hasRoom()) {
            return false;
        }
        if (!committedEntryInCurrentTerm()) {
            // Until our no-op commits we do not know the true commit index (§6.4): hold the read.
            reads.addBeforeCommit(new ReadRequests.Pending(context, from, 0, 0));
            return true;
        }
        ReadRequests.Pending now = new ReadRequests.Pending(context, from, log.committed(), 0);
        if (bugs.contains(PlantedBug.READ_INDEX_WITHOUT_QUORUM) || tracker.isSingleton(id)
                || (mode == ReadMode.LEASE && leaseValid())) {
            answerRead(now);
            return true;
        }
        // Confirmed by the next heartbeat round, broadcast at the next ready() with every other read.
        reads.addWaiting(new ReadRequests.Pending(context, from, log.committed(), reads.currentRound() + 1));
        readRoundNeeded = true;
        return true;
    }

    private boolean leaseValid() {
        return config.leaseReads() && role == StateRole.LEADER && leadTransferee == 0 && !timeoutNowSent && !quiesced
                && reads.leaseStartTick() != Long.MIN_VALUE
                && tickCount - reads.leaseStartTick() < config.leaseTicks();
    }

    private void confirmReads() {
        long q = tracker.quorumAckedRound(id, reads.currentRound());
        for (ReadRequests.Pending p : reads.confirm(q)) {
            answerRead(p);
        }
    }

    private void answerRead(ReadRequests.Pending p) {
        if (p.from() == 0 || p.from() == id) {
            readStates.add(new ReadState(p.index(), p.context()));
        } else {
            send(new ReadIndexResponse(id, p.from(), term, p.index(), p.context(), false));
        }
    }

    private void broadcastHeartbeat() {
        long round = reads.newRound(tickCount);
        readRoundNeeded = false;
        for (var e : tracker.progress().entrySet()) {
            long peer = e.getKey();
            if (peer != id) {
                long commit = Math.min(e.getValue().match(), log.committed());
                send(new Heartbeat(id, peer, term, commit, round));
            }
        }
        confirmReads(); // a single voter confirms its own rounds
    }

    /** Sends what proposals and reads accumulated since the last ready(): one append per follower. */
    private void flushPending() {
        if (role == StateRole.LEADER) {
            if (appendsPending) {
                appendsPending = false;
                for (Long peer : tracker.progress().keySet()) {
                    if (peer != id) {
                        maybeSendAppend(peer, false);
                    }
                }
            }
            if (readRoundNeeded) {
                broadcastHeartbeat();
            }
        }
        appendsPending = false;
        readRoundNeeded = false;
    }

    private void bcastAppend() {
        for (Long peer : tracker.progress().keySet()) {
            if (peer != id) {
                sendAppend(peer);
            }
        }
    }

    private void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    /** Sends entries (or, when {@code sendIfEmpty}, an empty append carrying the commit index). */
    private boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = tracker.get(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm = log.termOrNegative(prevIndex);
        if (prevTerm < 0) {
            return sendSnapshot(to, pr);
        }
        List<Entry> ents;
        try {
            ents = log.entriesFrom(pr.next(), config.maxMessageBytes());
        } catch (LogCompactedException e) {
            return sendSnapshot(to, pr);
        }
        if (ents.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry e : ents) {
            bytes += e.sizeBytes();
        }
        send(new AppendEntries(id, to, term, prevIndex, prevTerm, ents, log.committed()));
        pr.sentEntries(prevIndex + ents.size(), ents.size(), bytes);
        return true;
    }

    private boolean sendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            return false; // do not ship a snapshot to a peer we have not heard from lately
        }
        Snapshot snap;
        try {
            snap = storage.snapshot();
        } catch (SnapshotUnavailableException e) {
            return false;
        }
        if (snap.isEmpty()) {
            throw new IllegalStateException("follower " + to + " needs entries before " + log.firstIndex()
                    + " but the storage has no snapshot");
        }
        pr.becomeSnapshot(snap.index());
        SnapshotTransfer.Outgoing out = new SnapshotTransfer.Outgoing(snap, tickCount);
        outgoingSnapshots.put(to, out);
        sendSnapshotChunks(to, out);
        return true;
    }

    private void sendSnapshotChunks(long to, SnapshotTransfer.Outgoing out) {
        for (SnapshotChunk c : out.nextChunks(id, to, term, config.snapshotChunkBytes(),
                config.maxSnapshotChunksInFlight())) {
            send(c);
        }
    }

    private void sendTimeoutNow(long to) {
        timeoutNowSent = true; // from now on another node may legitimately win: no more lease reads
        send(new TimeoutNow(id, to, term));
    }

    // ------------------------------------------------------------------ membership

    private Changer.Result computeConfChange(ConfChange cc) {
        Changer ch = new Changer(tracker.config(), new TreeMap<>(tracker.progress()), log.lastIndex(),
                config.maxInflightMessages(), config.maxInflightBytes());
        if (cc.isLeaveJoint()) {
            return ch.leaveJoint();
        }
        boolean[] joint = cc.enterJoint();
        return joint[0] ? ch.enterJoint(joint[1], cc.changes()) : ch.simple(cc.changes());
    }

    private ConfState switchToConfig(TrackerConfig cfg, TreeMap<Long, Progress> prs) {
        tracker.install(cfg, prs);
        Progress self = tracker.get(id);
        ConfState cs = cfg.toConfState();
        if (role != StateRole.LEADER) {
            return cs;
        }
        if (self == null || self.isLearner()) {
            if (config.stepDownOnRemoval()) {
                handOver();
            }
            return cs;
        }
        if (maybeCommit()) {
            bcastAppend(); // the quorum changed and may already have committed more
        } else {
            for (Long peer : tracker.progress().keySet()) {
                if (peer != id) {
                    maybeSendAppend(peer, false); // new members get their first append
                }
            }
        }
        if (leadTransferee != 0 && !tracker.isVoter(leadTransferee)) {
            leadTransferee = 0;
        }
        return cs;
    }

    /**
     * A leader removed from the voters (or demoted) steps down by handing leadership to the most
     * up-to-date voter. It does not simply stop: the remaining voters may not yet know that the
     * change committed, and one of them could then need our vote while its log is shorter than ours,
     * which we must refuse — the group would never elect again. Until the new leader's higher term
     * reaches us we keep replicating (not counting ourselves) and refuse proposals.
     */
    private void handOver() {
        long best = 0;
        long bestMatch = -1;
        for (Long voter : tracker.config().voters().ids()) {
            Progress p = tracker.get(voter);
            if (voter != id && p != null && p.match() > bestMatch) {
                best = voter;
                bestMatch = p.match();
            }
        }
        if (best == 0) {
            becomeFollower(term, 0);
            return;
        }
        leadTransferee = 0;
        transferLeadership(best);
    }

    private boolean removedLeader() {
        return role == StateRole.LEADER && config.stepDownOnRemoval() && !tracker.isVoter(id);
    }

    private void maybeAutoLeaveJoint() {
        TrackerConfig c = tracker.config();
        if (c.autoLeave() && c.isJoint() && log.applied() >= pendingConfIndex) {
            ProposeResult r = proposeEntries(
                    List.of(new Entry(0, 0, EntryType.CONF_CHANGE, ConfChange.leaveJoint().encode())));
            if (r.accepted()) {
                pendingConfIndex = r.lastIndex();
            }
        }
    }

    /** Replaces the membership with {@code cfg}, with fresh progress for every member. */
    private void installMembership(TrackerConfig cfg) {
        TreeMap<Long, Progress> prs = new TreeMap<>();
        long last = log.lastIndex();
        for (Long m : cfg.toConfState().allMembers()) {
            boolean learner = cfg.learners().contains(m);
            prs.put(m, new Progress(0, last + 1, config.maxInflightMessages(), config.maxInflightBytes(), learner));
        }
        tracker.install(cfg, prs);
    }

    private void send(Message m) {
        if (m.to() == id) {
            throw new IllegalStateException("node " + id + " sending to itself: " + m);
        }
        msgs.add(m);
    }

    @Override
    public String toString() {
        return "RaftNode[" + id + " " + role + " term=" + term + " lead=" + lead + " commit=" + log.committed()
                + " last=" + log.lastIndex() + "]";
    }
}
