package io.conclave.raft.rules;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.PlantedBug;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.ReadState;
import io.conclave.raft.Ready;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.Message;
import io.conclave.raft.storage.MemoryStorage;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A step-by-step network of {@link RaftNode}s for rule tests. Unlike the harness {@code Cluster}, a
 * test sees every message: it can hold ({@link #take}), drop ({@link #dropIf}), inject and reorder
 * them, and inspect everything ever sent ({@link #sent}). Nodes can be built on storage prepared by
 * hand ({@link #storage}), with chosen logs, terms and votes.
 *
 * <p>Each host loop ({@link #process}) persists, enqueues the messages, applies committed entries
 * (conf changes included) and advances, checking two invariants on the way: at most one leader per
 * term (election safety) and one entry per applied index across all nodes (state machine safety).
 * Violations throw {@link AssertionError}. Deterministic: randomness only from the seed.
 */
public final class Net {

    /** One node and what its host did. */
    public static final class Host {
        public final long id;
        public RaftNode node;
        public final MemoryStorage storage;
        public final List<Entry> applied = new ArrayList<>();
        public final List<ReadState> readStates = new ArrayList<>();
        /** Every membership the host saw in force, in order (from snapshots and applied changes). */
        public final List<ConfState> confHistory = new ArrayList<>();
        public ConfState confState;
        public byte[] snapshotData;
        public boolean up = true;

        Host(long id, MemoryStorage storage) {
            this.id = id;
            this.storage = storage;
            this.confState = storage.snapshot().metadata().confState();
        }

        public List<String> appliedData() {
            List<String> out = new ArrayList<>();
            for (Entry e : applied) {
                if (e.type() == EntryType.NORMAL && e.data().length > 0) {
                    out.add(new String(e.data(), StandardCharsets.UTF_8));
                }
            }
            return out;
        }

        /** Terms of the stored log, from firstIndex to lastIndex. */
        public List<Long> logTerms() {
            List<Long> out = new ArrayList<>();
            for (long i = storage.firstIndex(); i <= storage.lastIndex(); i++) {
                out.add(storage.term(i));
            }
            return out;
        }
    }

    private final TreeMap<Long, Host> hosts = new TreeMap<>();
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private final List<Predicate<Message>> dropRules = new ArrayList<>();
    private final List<UnaryOperator<Message>> rewrites = new ArrayList<>();
    private final Set<Long> cutLinks = new HashSet<>();
    private final Function<Long, RaftConfig> configs;
    private final SplittableRandom random;
    private final Set<PlantedBug> bugs;
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<Long, Entry> appliedAt = new HashMap<>();
    /** Every message any host sent, in order. */
    public final List<Message> sent = new ArrayList<>();
    /** Every message stepped into a node, in order. */
    public final List<Message> delivered = new ArrayList<>();
    /** Every Ready any host processed, as (node id, ready). */
    public final List<Map.Entry<Long, Ready>> readies = new ArrayList<>();

    public Net(Function<Long, RaftConfig> configs, long seed, Set<PlantedBug> bugs) {
        this.configs = configs;
        this.random = new SplittableRandom(seed);
        this.bugs = bugs;
    }

    /** A network of fresh nodes {@code ids}, all voters, with defaults changed by {@code configs}. */
    public static Net of(Function<Long, RaftConfig> configs, long... ids) {
        Net n = new Net(configs, 1, Set.of());
        n.voters(ids);
        return n;
    }

    public static Net of(long... ids) {
        return of(RaftConfig::defaults, ids);
    }

    /** Adds fresh nodes that all start with the voters {@code ids}. */
    public Net voters(long... ids) {
        for (long id : ids) {
            add(id, MemoryStorage.withVoters(ids));
        }
        return this;
    }

    /**
     * A storage whose first configuration is {@code voters}, holding entries 1..n with the given
     * terms (payload "e&lt;index&gt;/&lt;term&gt;"), and the hard state {@code hs}.
     */
    public static MemoryStorage storage(long[] voters, HardState hs, long... terms) {
        MemoryStorage s = MemoryStorage.withVoters(voters);
        List<Entry> ents = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            long index = i + 1;
            ents.add(Entry.normal(terms[i], index, bytes("e" + index + "/" + terms[i])));
        }
        s.append(ents);
        s.setHardState(hs);
        return s;
    }

    public Host add(long id, MemoryStorage storage) {
        Host h = new Host(id, storage);
        h.node = new RaftNode(configs.apply(id), storage, RandomSource.seeded(random.nextLong()), bugs);
        hosts.put(id, h);
        return h;
    }

    public Host host(long id) {
        return hosts.get(id);
    }

    public RaftNode node(long id) {
        return hosts.get(id).node;
    }

    public Set<Long> ids() {
        return hosts.keySet();
    }

    // ------------------------------------------------------------------ host loop

    /** One host loop iteration on {@code id}, if it is up and has a Ready; returns it, or null. */
    public Ready process(long id) {
        Host h = hosts.get(id);
        if (!h.up || !h.node.hasReady()) {
            return null;
        }
        Ready rd = h.node.ready();
        persist(id, rd);
        send(rd.messages());
        applyAndAdvance(id, rd);
        return rd;
    }

    /** Writes what {@code rd} asks to stable storage. */
    public void persist(long id, Ready rd) {
        Host h = hosts.get(id);
        if (rd.snapshot() != null) {
            h.storage.applySnapshot(rd.snapshot());
            h.snapshotData = rd.snapshot().data();
            h.confState = rd.snapshot().metadata().confState();
            h.confHistory.add(h.confState);
            h.applied.clear();
        }
        h.storage.append(rd.entries());
        if (rd.hardState() != null) {
            h.storage.setHardState(rd.hardState());
        }
    }

    /** Applies the committed entries and read states of {@code rd}, then advances the node. */
    public void applyAndAdvance(long id, Ready rd) {
        Host h = hosts.get(id);
        readies.add(Map.entry(id, rd));
        for (Entry e : rd.committedEntries()) {
            checkStateMachineSafety(h, e);
            h.applied.add(e);
            if (e.type() == EntryType.CONF_CHANGE) {
                h.confState = h.node.applyConfChange(ConfChange.decode(e.data()));
                h.confHistory.add(h.confState);
            }
        }
        h.readStates.addAll(rd.readStates());
        if (rd.softState() != null && rd.softState().role() == StateRole.LEADER) {
            Long prev = leaderOfTerm.putIfAbsent(h.node.term(), id);
            if (prev != null && prev != id) {
                throw new AssertionError("election safety: two leaders in term " + h.node.term() + ": " + prev
                        + " and " + id);
            }
        }
        h.node.advance(rd);
    }

    private void checkStateMachineSafety(Host h, Entry e) {
        Entry prev = appliedAt.putIfAbsent(e.index(), e);
        if (prev != null && !prev.equals(e)) {
            throw new AssertionError("state machine safety: index " + e.index() + " applied as " + prev + " and as "
                    + e + " (node " + h.id + ")");
        }
    }

    /** Processes Readies on every up node until none has one (bounded). */
    public void processAll() {
        for (int i = 0; i < 1000; i++) {
            boolean any = false;
            for (Long id : hosts.keySet()) {
                any |= process(id) != null;
            }
            if (!any) {
                return;
            }
        }
        throw new AssertionError("readies did not settle");
    }

    // ------------------------------------------------------------------ network

    public void send(List<Message> msgs) {
        sent.addAll(msgs);
        queue.addAll(msgs);
    }

    /** Puts a message on the wire (held earlier, or crafted by the test). */
    public void inject(Message m) {
        queue.addLast(m);
    }

    /** Messages on the wire, in order. */
    public List<Message> queued() {
        return List.copyOf(queue);
    }

    /** Removes and returns the queued messages matching {@code p}: the test holds them. */
    public List<Message> take(Predicate<Message> p) {
        List<Message> out = new ArrayList<>();
        queue.removeIf(m -> {
            if (p.test(m)) {
                out.add(m);
                return true;
            }
            return false;
        });
        return out;
    }

    /** From now on, messages matching {@code p} are lost on delivery. */
    public void dropIf(Predicate<Message> p) {
        dropRules.add(p);
    }

    public void clearDropRules() {
        dropRules.clear();
    }

    /** From now on, every delivered message passes through {@code f} (for example to strip entries). */
    public void rewrite(UnaryOperator<Message> f) {
        rewrites.add(f);
    }

    public void cut(long from, long to) {
        cutLinks.add(from * 1_000_003L + to);
    }

    /** Cuts both directions between every node of {@code side} and every other node. */
    public void partition(Set<Long> side) {
        for (Long a : hosts.keySet()) {
            for (Long b : hosts.keySet()) {
                if (side.contains(a) != side.contains(b)) {
                    cut(a, b);
                }
            }
        }
    }

    public void isolate(long id) {
        partition(Set.of(id));
    }

    /** Restores every link and forgets every drop and rewrite rule. */
    public void heal() {
        cutLinks.clear();
        dropRules.clear();
        rewrites.clear();
    }

    private boolean lost(Message m) {
        Host to = hosts.get(m.to());
        Host from = hosts.get(m.from());
        if (to == null || !to.up || (from != null && !from.up) || cutLinks.contains(m.from() * 1_000_003L + m.to())) {
            return true;
        }
        for (Predicate<Message> p : dropRules) {
            if (p.test(m)) {
                return true;
            }
        }
        return false;
    }

    /** Delivers the first queued message (or loses it); false when the wire is empty. */
    public boolean deliverOne() {
        Message m = queue.pollFirst();
        if (m == null) {
            return false;
        }
        if (!lost(m)) {
            for (UnaryOperator<Message> f : rewrites) {
                m = f.apply(m);
            }
            delivered.add(m);
            hosts.get(m.to()).node.step(m);
        }
        return true;
    }

    /** Delivers exactly the messages on the wire now, without processing any Ready. */
    public void deliverQueued() {
        int n = queue.size();
        for (int i = 0; i < n; i++) {
            deliverOne();
        }
    }

    /** Processes Readies and delivers messages until nothing moves (bounded). */
    public void stabilize() {
        for (int round = 0; round < 10_000; round++) {
            processAll();
            if (queue.isEmpty()) {
                return;
            }
            while (deliverOne()) {
                processAll();
            }
        }
        throw new AssertionError("network did not stabilize");
    }

    // ------------------------------------------------------------------ time and faults

    public void tick(long id) {
        Host h = hosts.get(id);
        if (h.up) {
            h.node.tick();
        }
    }

    public void tickAll() {
        for (Long id : hosts.keySet()) {
            tick(id);
        }
    }

    /** {@code n} times: tick every node, then stabilize. */
    public void run(int n) {
        for (int i = 0; i < n; i++) {
            tickAll();
            stabilize();
        }
    }

    /** Makes {@code id} campaign and stabilizes; asserts that it won. */
    public void elect(long id) {
        node(id).campaign();
        stabilize();
        if (!node(id).isLeader()) {
            throw new AssertionError("node " + id + " did not win its election: " + node(id));
        }
    }

    /** Ticks everyone until a leader exists (bounded); returns it. */
    public long awaitLeader() {
        for (int i = 0; i < 500; i++) {
            long l = leader();
            if (l != 0) {
                return l;
            }
            run(1);
        }
        throw new AssertionError("no leader within 500 ticks");
    }

    /** The up node leading in the highest term, or 0. */
    public long leader() {
        long best = 0;
        long bestTerm = -1;
        for (Host h : hosts.values()) {
            if (h.up && h.node.isLeader() && h.node.term() > bestTerm) {
                best = h.id;
                bestTerm = h.node.term();
            }
        }
        return best;
    }

    /** The node stops: its messages are lost and it does nothing until {@link #restart}. */
    public void crash(long id) {
        hosts.get(id).up = false;
    }

    /** A crashed node starts again from what its host persisted; it re-applies from its snapshot. */
    public void restart(long id) {
        Host h = hosts.get(id);
        h.up = true;
        h.applied.clear();
        h.confState = h.storage.snapshot().metadata().confState();
        h.node = new RaftNode(configs.apply(id), h.storage, RandomSource.seeded(random.nextLong()), bugs);
    }

    /** Messages of type {@code type} ever sent from {@code from} to {@code to} (0 = anyone). */
    public <T extends Message> List<T> sentOf(Class<T> type, long from, long to) {
        List<T> out = new ArrayList<>();
        for (Message m : sent) {
            if (type.isInstance(m) && (from == 0 || m.from() == from) && (to == 0 || m.to() == to)) {
                out.add(type.cast(m));
            }
        }
        return out;
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
