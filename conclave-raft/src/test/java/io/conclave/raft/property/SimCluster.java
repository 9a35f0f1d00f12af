package io.conclave.raft.property;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.PlantedBug;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.Ready;
import io.conclave.raft.StateRole;
import io.conclave.raft.log.RaftLog;
import io.conclave.raft.message.Message;
import io.conclave.raft.storage.MemoryStorage;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * An in-memory Raft cluster driven one step at a time from the test thread: a host per node over
 * {@link MemoryStorage}, an unordered bag of in-flight messages, directed link cuts, crashes that
 * keep only what the host persisted, and host snapshots with compaction. Every step ends with
 * {@link SafetyChecker#check}. Deterministic: the nodes' randomness comes from the seed.
 */
final class SimCluster {

    /** Bound on the messages in flight; beyond it the oldest are lost (a full network buffer). */
    static final int IN_FLIGHT_MAX = 5_000;
    /** Bound on the delivery rounds of one {@link #stabilize()}. */
    static final int STABILIZE_ROUNDS_MAX = 10_000;

    private static final Field LOG_FIELD = logField();

    /** One node, its storage, and its host's state machine. */
    static final class Member {
        final long id;
        final MemoryStorage storage;
        RaftNode node;
        boolean up = true;
        int incarnation;
        ConfState confState;
        /** The state machine: the last applied index and a digest of every entry applied up to it. */
        long appliedIndex;
        long chain;

        Member(long id, MemoryStorage storage, ConfState confState) {
            this.id = id;
            this.storage = storage;
            this.confState = confState;
        }

        RaftLog log() {
            try {
                return (RaftLog) LOG_FIELD.get(node);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final TreeMap<Long, Member> members = new TreeMap<>();
    private final List<Message> inFlight = new ArrayList<>();
    private final Set<Long> cutLinks = new HashSet<>();
    private final LongFunction<RaftConfig> configFor;
    private final Set<PlantedBug> bugs;
    private final long seed;
    /** The voters the group was created with: every replica, joining ones too, starts from them. */
    private final long[] genesis;
    private final SafetyChecker checker = new SafetyChecker();
    private long payloadSeq;
    private long appliedPayloads;
    private long confChangesApplied;
    private long snapshotsInstalled;

    /**
     * A cluster of {@code size} nodes bootstrapped with {@link MemoryStorage#withVoters}: the genesis
     * membership lives in each node's index-0 snapshot; nodes added later start from it too.
     */
    SimCluster(int size, long seed, LongFunction<RaftConfig> configFor, Set<PlantedBug> bugs) {
        this.seed = seed;
        this.configFor = configFor;
        this.bugs = bugs;
        genesis = new long[size];
        for (int i = 0; i < size; i++) {
            genesis[i] = i + 1;
        }
        for (long id : genesis) {
            Member m = new Member(id, MemoryStorage.withVoters(genesis), ConfState.ofVoters(genesis));
            members.put(id, m);
            m.node = newNode(m);
        }
    }

    /** The configuration the property runs with: small limits so that flow control and chunking happen. */
    static RaftConfig testConfig(long id) {
        return RaftConfig.builder(id).electionTimeoutTicks(ScheduleRunner.ELECTION_TIMEOUT_TICKS).heartbeatIntervalTicks(1).maxInflightMessages(4)
                .maxMessageBytes(160).snapshotChunkBytes(8).maxSnapshotChunksInFlight(2).build();
    }

    private RaftNode newNode(Member m) {
        long nodeSeed = seed * 1_000_003L + m.id * 7919L + m.incarnation;
        // The host tells the core how far its state machine got (its snapshot, on restart).
        RaftConfig cfg = configFor.apply(m.id).toBuilder().appliedIndex(m.appliedIndex).build();
        return new RaftNode(cfg, m.storage, RandomSource.seeded(nodeSeed), bugs);
    }

    // ---------------------------------------------------------------- reading

    List<Member> memberList() {
        return new ArrayList<>(members.values());
    }

    Member member(long id) {
        return members.get(id);
    }

    /** The node chosen by a schedule's selector. */
    Member pick(int selector) {
        List<Member> l = memberList();
        return l.get(Math.floorMod(selector, l.size()));
    }

    int inFlightCount() {
        return inFlight.size();
    }

    long appliedPayloads() {
        return appliedPayloads;
    }

    long confChangesApplied() {
        return confChangesApplied;
    }

    /** Snapshots that leaders sent and followers installed. */
    long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    /** The entry applied at {@code index} by any node, or null. */
    Entry appliedEntry(long index) {
        return checker.appliedEntry(index);
    }

    /** The running leader of the highest term, or null. */
    Member leader() {
        Member best = null;
        for (Member m : members.values()) {
            if (m.up && m.node.isLeader() && (best == null || m.node.term() > best.node.term())) {
                best = m;
            }
        }
        return best;
    }

    /** A fresh node id, not used before. */
    long nextFreshId() {
        return members.lastKey() + 1;
    }

    /** A unique payload for a client proposal. */
    byte[] nextPayload() {
        return ("p" + (++payloadSeq)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- host

    /**
     * Adds a node that is not yet a member. Its storage holds only the group's genesis membership
     * (the host knows it from the metadata); it learns the rest from the leader.
     */
    Member addNode(long id) {
        if (members.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " exists");
        }
        Member m = new Member(id, MemoryStorage.withVoters(genesis), ConfState.ofVoters(genesis));
        members.put(id, m);
        m.node = newNode(m);
        return m;
    }

    /** One iteration of a node's host loop: persist, send, apply, advance. */
    boolean handleReady(Member m) {
        if (!m.up || !m.node.hasReady()) {
            return false;
        }
        Ready rd = m.node.ready();
        if (rd.snapshot() != null) {
            m.storage.applySnapshot(rd.snapshot());
            m.confState = rd.snapshot().metadata().confState();
            restoreStateMachine(m, rd.snapshot().data());
            checker.onSnapshotInstalled(m.id, m.appliedIndex, m.chain);
            snapshotsInstalled++;
        }
        m.storage.append(rd.entries());
        if (rd.hardState() != null) {
            m.storage.setHardState(rd.hardState());
        }
        for (Message msg : rd.messages()) {
            send(msg);
        }
        for (Entry e : rd.committedEntries()) {
            apply(m, e);
        }
        m.node.advance(rd);
        return true;
    }

    private void apply(Member m, Entry e) {
        if (e.index() != m.appliedIndex + 1) {
            throw new SafetyViolation(SafetyViolation.Invariant.STATE_MACHINE_SAFETY, "node " + m.id + " applied "
                    + e + " after index " + m.appliedIndex);
        }
        m.appliedIndex = e.index();
        m.chain = m.chain * 0x9E3779B97F4A7C15L + e.hashCode() + 31 * e.index();
        checker.onApply(m.id, e, m.chain);
        if (e.type() == EntryType.CONF_CHANGE) {
            m.confState = m.node.applyConfChange(ConfChange.decode(e.data()));
            confChangesApplied++;
        } else if (e.data().length > 0) {
            appliedPayloads++;
        }
    }

    private static void restoreStateMachine(Member m, byte[] data) {
        if (data.length == 0) {
            m.appliedIndex = 0;
            m.chain = 0;
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        m.appliedIndex = b.getLong();
        m.chain = b.getLong();
    }

    /**
     * The host snapshots its state machine at its applied index, with its current membership, and
     * compacts its log keeping {@code keep} entries before that index. False when there is nothing new.
     */
    boolean snapshot(Member m, int keep) {
        if (!m.up || m.appliedIndex <= m.storage.snapshot().index() || m.appliedIndex > m.storage.lastIndex()) {
            return false;
        }
        byte[] data = ByteBuffer.allocate(16).putLong(m.appliedIndex).putLong(m.chain).array();
        m.storage.createSnapshot(m.appliedIndex, m.confState, data);
        m.storage.compact(Math.max(m.storage.firstIndex() - 1, m.appliedIndex - keep));
        return true;
    }

    void crash(Member m) {
        m.up = false;
        m.node = null;
    }

    /** Restarts a crashed node from its storage; the state machine restarts from the stored snapshot. */
    void restart(Member m) {
        if (m.up) {
            return;
        }
        m.up = true;
        m.incarnation++;
        m.confState = m.storage.snapshot().metadata().confState();
        restoreStateMachine(m, m.storage.snapshot().data());
        m.node = newNode(m);
    }

    // ---------------------------------------------------------------- network

    private static long link(long from, long to) {
        return from * 1_000_003L + to;
    }

    void send(Message m) {
        if (inFlight.size() >= IN_FLIGHT_MAX) {
            inFlight.remove(0);
        }
        inFlight.add(m);
    }

    /** Delivers (or loses, if its link is cut or its receiver is down) the message at {@code pick}. */
    void deliver(int pick) {
        if (inFlight.isEmpty()) {
            return;
        }
        Message msg = inFlight.remove(Math.floorMod(pick, inFlight.size()));
        Member to = members.get(msg.to());
        if (to == null || !to.up || cutLinks.contains(link(msg.from(), msg.to()))) {
            return;
        }
        to.node.step(msg);
    }

    /**
     * Delivers, oldest first, the in-flight messages that match {@code which}, handling Readies and
     * checking after each, until none match or {@code done} holds (bounded). For directed scenarios.
     */
    void deliverWhile(java.util.function.Predicate<Message> which, java.util.function.BooleanSupplier done) {
        for (int n = 0; n < STABILIZE_ROUNDS_MAX && !done.getAsBoolean(); n++) {
            handleAllReadies();
            int i = 0;
            while (i < inFlight.size() && !which.test(inFlight.get(i))) {
                i++;
            }
            if (i == inFlight.size()) {
                return;
            }
            deliver(i);
            handleAllReadies();
            check();
        }
    }

    /** Loses every message in flight. */
    void dropAll() {
        inFlight.clear();
    }

    void drop(int pick) {
        if (!inFlight.isEmpty()) {
            inFlight.remove(Math.floorMod(pick, inFlight.size()));
        }
    }

    void duplicate(int pick) {
        if (!inFlight.isEmpty()) {
            send(inFlight.get(Math.floorMod(pick, inFlight.size())));
        }
    }

    void cut(long from, long to) {
        cutLinks.add(link(from, to));
    }

    /** No message crosses between the nodes whose bit is set in {@code mask} and the others. */
    void partition(int mask) {
        List<Member> l = memberList();
        for (int a = 0; a < l.size(); a++) {
            for (int b = 0; b < l.size(); b++) {
                if (((mask >> a) & 1) != ((mask >> b) & 1)) {
                    cut(l.get(a).id, l.get(b).id);
                }
            }
        }
    }

    void heal() {
        cutLinks.clear();
    }

    // ---------------------------------------------------------------- composite steps

    void tickAll() {
        for (Member m : members.values()) {
            if (m.up) {
                m.node.tick();
            }
        }
    }

    void handleAllReadies() {
        for (Member m : members.values()) {
            handleReady(m);
        }
    }

    /** Bound on the deliveries of one {@link #deliverRound()}. */
    static final int ROUND_DELIVERIES_MAX = 200;

    /**
     * A round of a working network: handles Readies and delivers messages oldest first, including
     * the ones this produces, checking after each, until quiet or {@link #ROUND_DELIVERIES_MAX}.
     */
    void deliverRound() {
        handleAllReadies();
        for (int i = 0; i < ROUND_DELIVERIES_MAX && !inFlight.isEmpty(); i++) {
            deliver(0);
            handleAllReadies();
            check();
        }
    }

    /** Handles Readies and delivers messages in order until nothing moves (bounded). */
    void stabilize() {
        for (int round = 0; round < STABILIZE_ROUNDS_MAX; round++) {
            handleAllReadies();
            if (inFlight.isEmpty()) {
                check();
                return;
            }
            deliver(0);
            check();
        }
        throw new SafetyViolation(SafetyViolation.Invariant.LIVENESS, "no quiet point after "
                + STABILIZE_ROUNDS_MAX + " deliveries without faults");
    }

    // ---------------------------------------------------------------- checking

    void check() {
        List<NodeView> views = new ArrayList<>(members.size());
        for (Member m : members.values()) {
            views.add(view(m));
        }
        checker.check(views);
    }

    private static NodeView view(Member m) {
        HardState hs = m.storage.hardState();
        if (!m.up) {
            long first = m.storage.firstIndex();
            long last = m.storage.lastIndex();
            List<Entry> ents = first <= last ? m.storage.entries(first, last + 1, Long.MAX_VALUE) : List.of();
            return new NodeView(m.id, m.incarnation, false, false, hs.term(), hs.commit(), hs.term(), hs.commit(),
                    first, m.storage.term(first - 1), ents);
        }
        RaftLog log = m.log();
        long first = log.firstIndex();
        long last = log.lastIndex();
        List<Entry> ents = first <= last ? log.slice(first, last + 1, Long.MAX_VALUE) : List.of();
        return new NodeView(m.id, m.incarnation, true, m.node.role() == StateRole.LEADER, m.node.term(),
                m.node.commitIndex(), hs.term(), hs.commit(), first, log.termOrZero(first - 1), ents);
    }

    private static Field logField() {
        try {
            Field f = RaftNode.class.getDeclaredField("log");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("RaftNode has no 'log' field any more: update SimCluster.view()", e);
        }
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Member m : members.values()) {
            sb.append("\n  ").append(m.up ? m.node.toString() : "node " + m.id + " down")
                    .append(" conf=").append(m.confState.voters()).append(m.confState.learners())
                    .append(m.confState.isJoint() ? "joint" + m.confState.votersOutgoing() : "")
                    .append(" applied=").append(m.appliedIndex)
                    .append(" storage=[snap ").append(m.storage.snapshot().index())
                    .append(m.storage.snapshot().metadata().confState().voters())
                    .append(m.storage.snapshot().metadata().confState().learners())
                    .append(", ").append(m.storage.firstIndex()).append("..").append(m.storage.lastIndex())
                    .append("]");
            if (m.up && m.node.isLeader()) {
                sb.append(" progress=").append(m.node.status().progress());
            }
        }
        sb.append("\n  in flight: ").append(inFlight.size()).append(", cut links: ").append(cutLinks.size());
        return sb.toString();
    }
}
