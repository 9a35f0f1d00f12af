package io.conclave.raft.harness;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.PlantedBug;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.ReadState;
import io.conclave.raft.Ready;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.Message;
import io.conclave.raft.storage.MemoryStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An in-memory cluster of {@link RaftNode}s for tests: a host loop per node over
 * {@link MemoryStorage}, a message queue between them with drop rules, crash/restart that keeps only
 * what the host persisted, and invariant checks (one leader per term, identical applied prefixes).
 * Deterministic: the only randomness comes from the seed.
 */
public final class Cluster {

    /** One node and what its host has done. */
    public static final class Member {
        public final long id;
        public RaftNode node;
        public final MemoryStorage storage;
        public final List<Entry> applied = new ArrayList<>();
        public final List<ReadState> readStates = new ArrayList<>();
        public ConfState confState;
        public boolean up = true;
        /** Payload of the latest snapshot installed from the leader (the "state machine"). */
        public byte[] installedSnapshot;

        Member(long id, RaftNode node, MemoryStorage storage, ConfState cs) {
            this.id = id;
            this.node = node;
            this.storage = storage;
            this.confState = cs;
        }

        public List<byte[]> appliedData() {
            List<byte[]> out = new ArrayList<>();
            for (Entry e : applied) {
                if (e.type() == EntryType.NORMAL && e.data().length > 0) {
                    out.add(e.data());
                }
            }
            return out;
        }

        public long lastApplied() {
            return applied.isEmpty() ? 0 : applied.get(applied.size() - 1).index();
        }
    }

    private final TreeMap<Long, Member> members = new TreeMap<>();
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    private final Set<Long> cutLinks = new HashSet<>();
    private final Function<Long, RaftConfig> configFor;
    private final SplittableRandom random;
    private final Set<PlantedBug> bugs;
    private final long[] genesis;
    /** term → leader id seen, for election safety. */
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    /** index → entry applied by any node, for state machine safety. */
    private final Map<Long, Entry> appliedAt = new HashMap<>();
    public double dropRate;
    public int delivered;

    public Cluster(Function<Long, RaftConfig> configFor, long seed, Set<PlantedBug> bugs, long... ids) {
        this.configFor = configFor;
        this.random = new SplittableRandom(seed);
        this.bugs = bugs;
        this.genesis = ids.clone();
        for (long id : ids) {
            MemoryStorage s = MemoryStorage.withVoters(ids);
            members.put(id, new Member(id, newNode(id, s), s, ConfState.ofVoters(ids)));
        }
    }

    public static Cluster of(int n) {
        return of(n, 1);
    }

    public static Cluster of(int n, long seed) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        return new Cluster(RaftConfig::defaults, seed, Set.of(), ids);
    }

    private RaftNode newNode(long id, MemoryStorage s) {
        return new RaftNode(configFor.apply(id), s, RandomSource.seeded(random.nextLong()), bugs);
    }

    /**
     * Adds a node that is not yet a member. Like any replica joining a group, it starts with the
     * group's genesis membership and learns every later change from the leader's log or snapshot.
     */
    public Member addNode(long id) {
        MemoryStorage s = MemoryStorage.withVoters(genesis);
        Member m = new Member(id, null, s, ConfState.ofVoters(genesis));
        members.put(id, m);
        m.node = newNode(id, s);
        return m;
    }

    public Member member(long id) {
        return members.get(id);
    }

    public RaftNode node(long id) {
        return members.get(id).node;
    }

    public Iterable<Member> members() {
        return members.values();
    }

    public Set<Long> ids() {
        return members.keySet();
    }

    // ---------------------------------------------------------------- driving

    public void tick(long id) {
        Member m = members.get(id);
        if (m.up) {
            m.node.tick();
        }
    }

    public void tickAll() {
        for (Member m : members.values()) {
            if (m.up) {
                m.node.tick();
            }
        }
    }

    /** Runs one host loop iteration on a node: persist, send, apply, advance. */
    public boolean processReady(long id) {
        Member m = members.get(id);
        if (!m.up || !m.node.hasReady()) {
            return false;
        }
        Ready rd = m.node.ready();
        if (rd.snapshot() != null) {
            m.storage.applySnapshot(rd.snapshot());
            m.installedSnapshot = rd.snapshot().data();
            m.confState = rd.snapshot().metadata().confState();
            m.applied.clear(); // the state machine is replaced by the snapshot
        }
        m.storage.append(rd.entries());
        if (rd.hardState() != null) {
            m.storage.setHardState(rd.hardState());
        }
        inFlight.addAll(rd.messages());
        for (Entry e : rd.committedEntries()) {
            checkApplied(m, e);
            m.applied.add(e);
            if (e.type() == EntryType.CONF_CHANGE) {
                m.confState = m.node.applyConfChange(ConfChange.decode(e.data()));
            }
        }
        m.readStates.addAll(rd.readStates());
        if (rd.softState() != null && rd.softState().role() == StateRole.LEADER) {
            Long prev = leaderOfTerm.putIfAbsent(m.node.term(), id);
            if (prev != null && prev != id) {
                throw new AssertionError("two leaders in term " + m.node.term() + ": " + prev + " and " + id);
            }
        }
        m.node.advance(rd);
        return true;
    }

    private void checkApplied(Member m, Entry e) {
        if (!m.applied.isEmpty() && e.index() != m.lastApplied() + 1) {
            throw new AssertionError("node " + m.id + " applied " + e.index() + " after " + m.lastApplied());
        }
        Entry prev = appliedAt.putIfAbsent(e.index(), e);
        if (prev != null && !prev.equals(e)) {
            throw new AssertionError("state machine safety: index " + e.index() + " applied as " + prev + " and "
                    + e + " (node " + m.id + ")");
        }
    }

    /** Delivers one in-flight message (dropped if its link is cut, a node is down, or at the drop rate). */
    public boolean deliverOne() {
        Message msg = inFlight.pollFirst();
        if (msg == null) {
            return false;
        }
        Member to = members.get(msg.to());
        Member from = members.get(msg.from());
        if (to == null || !to.up || from == null || !from.up || isCut(msg.from(), msg.to())
                || (dropRate > 0 && random.nextDouble() < dropRate)) {
            return true;
        }
        delivered++;
        to.node.step(msg);
        return true;
    }

    /** Processes readies and delivers messages until nothing moves (bounded). */
    public void stabilize() {
        for (int round = 0; round < 100_000; round++) {
            boolean moved = false;
            for (Long id : members.keySet()) {
                moved |= processReady(id);
            }
            while (deliverOne()) {
                moved = true;
                for (Long id : members.keySet()) {
                    processReady(id);
                }
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("cluster did not stabilize");
    }

    /** Ticks every node and stabilizes, {@code n} times. */
    public void run(int ticks) {
        for (int i = 0; i < ticks; i++) {
            tickAll();
            stabilize();
        }
    }

    /** Ticks until some node is leader (bounded); returns its id. */
    public long electLeader() {
        for (int i = 0; i < 1000; i++) {
            long l = leader();
            if (l != 0) {
                return l;
            }
            tickAll();
            stabilize();
        }
        throw new AssertionError("no leader elected within 1000 ticks");
    }

    /** Makes {@code id} leader by calling campaign on it and stabilizing. */
    public void campaign(long id) {
        node(id).campaign();
        stabilize();
    }

    /** The unique up node that is leader in the highest term, or 0. */
    public long leader() {
        long best = 0;
        long bestTerm = -1;
        for (Member m : members.values()) {
            if (m.up && m.node.isLeader() && m.node.term() > bestTerm) {
                best = m.id;
                bestTerm = m.node.term();
            }
        }
        return best;
    }

    public List<Message> inFlight() {
        return List.copyOf(inFlight);
    }

    public void clearInFlight() {
        inFlight.clear();
    }

    public void shuffleInFlight() {
        List<Message> l = new ArrayList<>(inFlight);
        for (int i = l.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Message t = l.get(i);
            l.set(i, l.get(j));
            l.set(j, t);
        }
        inFlight.clear();
        inFlight.addAll(l);
    }

    public void duplicateInFlight() {
        List<Message> l = new ArrayList<>(inFlight);
        inFlight.addAll(l);
    }

    public void send(Message m) {
        inFlight.add(m);
    }

    // ---------------------------------------------------------------- faults

    private static long link(long a, long b) {
        return a * 1_000_003L + b;
    }

    public boolean isCut(long from, long to) {
        return cutLinks.contains(link(from, to));
    }

    /** Cuts the directed link from → to. */
    public void cut(long from, long to) {
        cutLinks.add(link(from, to));
    }

    /** Separates the nodes into groups that cannot talk to each other. */
    public void partition(Set<Long> side) {
        for (Long a : members.keySet()) {
            for (Long b : members.keySet()) {
                if (side.contains(a) != side.contains(b)) {
                    cut(a, b);
                }
            }
        }
    }

    public void isolate(long id) {
        partition(Set.of(id));
    }

    public void heal() {
        cutLinks.clear();
    }

    /** Crashes a node: it loses everything its host had not persisted. */
    public void crash(long id) {
        Member m = members.get(id);
        m.up = false;
    }

    /**
     * Restarts a crashed node from its persisted storage. Its host rebuilds the state machine from
     * the snapshot and the node re-delivers every committed entry after it (conf changes included).
     */
    public void restart(long id) {
        Member m = members.get(id);
        m.up = true;
        m.applied.clear();
        m.installedSnapshot = m.storage.snapshot().data();
        m.confState = m.storage.snapshot().metadata().confState();
        m.node = new RaftNode(configFor.apply(id), m.storage, RandomSource.seeded(random.nextLong()), bugs);
    }
}
