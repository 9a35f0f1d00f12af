package io.conclave.sim.node;

import io.conclave.raft.ConfChange;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.ProposeResult;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.ReadMode;
import io.conclave.raft.ReadState;
import io.conclave.raft.ReadStatus;
import io.conclave.raft.Ready;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SoftState;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.Message;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.sim.clock.NodeClock;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.disk.Disk;
import io.conclave.sim.disk.SimStorage;
import io.conclave.sim.machine.Command;
import io.conclave.sim.machine.KvLogMachine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A simulated machine hosting replicas of many groups. Every entry point goes through
 * {@link #enter}: a crashed node drops the work, a paused node queues it until resumed, a running
 * node does it and then flushes its outbox as one packet per destination node.
 */
public final class SimNode {

    /** The process's state. */
    public enum State {
        /** Running. */
        UP,
        /** Alive but frozen (a long GC pause): work queues until resumed. */
        PAUSED,
        /** Crashed: work is dropped; unsynced writes are gone. */
        DOWN
    }

    private final int id;
    private final NodeContext ctx;
    private final Scheduler scheduler;
    private final HostConfig config;
    private final NodeClock clock;
    private final Disk disk;
    private final SimRandom random;
    private final TreeMap<Integer, Replica> replicas = new TreeMap<>();
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private final TreeMap<Integer, List<GroupMessage>> outbox = new TreeMap<>();
    private State state = State.DOWN;
    private long epoch;
    private long tickGen;
    private long nextTickLocalNs;
    private long ticks;
    private long stepped;

    public SimNode(int id, NodeContext ctx, NodeClock clock, Disk disk, SimRandom random) {
        this.id = id;
        this.ctx = ctx;
        this.scheduler = ctx.scheduler();
        this.config = ctx.hostConfig();
        this.clock = clock;
        this.disk = disk;
        this.random = random;
    }

    public int id() {
        return id;
    }

    public State state() {
        return state;
    }

    public NodeClock clock() {
        return clock;
    }

    public Disk disk() {
        return disk;
    }

    public long ticks() {
        return ticks;
    }

    public long stepped() {
        return stepped;
    }

    // ---- replicas ----

    /** Adds a replica (started at once when the node is up). */
    public void addReplica(int group, long replicaId, SimStorage storage) {
        if (replicas.containsKey(group)) {
            throw new IllegalStateException("node " + id + " already hosts group " + group);
        }
        Replica r = new Replica(group, replicaId, storage);
        replicas.put(group, r);
        if (state != State.DOWN) {
            startRaft(r);
        }
    }

    public void removeReplica(int group) {
        Replica r = replicas.remove(group);
        if (r != null) {
            r.dropPending();
            r.raft = null;
        }
    }

    public boolean hosts(int group) {
        return replicas.containsKey(group);
    }

    /** The replica id this node holds for {@code group}, or 0. */
    public long replicaId(int group) {
        Replica r = replicas.get(group);
        return r == null ? 0 : r.replicaId;
    }

    /** The core of this node's replica of {@code group} while the node is not crashed, else null. */
    public io.conclave.raft.RaftNode raft(int group) {
        Replica r = replicas.get(group);
        return r == null ? null : r.raft;
    }

    public SimStorage storage(int group) {
        Replica r = replicas.get(group);
        return r == null ? null : r.storage;
    }

    public KvLogMachine machine(int group) {
        Replica r = replicas.get(group);
        return r == null ? null : r.machine;
    }

    public long applied(int group) {
        Replica r = replicas.get(group);
        return r == null ? 0 : r.applied;
    }

    public List<Integer> groups() {
        return new ArrayList<>(replicas.keySet());
    }

    private void startRaft(Replica r) {
        RaftStorage rs = r.storage.raftStorage();
        Snapshot snap = rs.snapshot();
        r.machine.restore(snap.data());
        r.applied = snap.index();
        ctx.invariants().onRestart(r.group, r.replicaId, rs.initialState().hardState());
        ctx.invariants().onSnapshot(r.group, r.replicaId, snap.index());
        RaftConfig cfg = RaftConfig.builder(r.replicaId)
                .electionTimeoutTicks(config.electionTicks())
                .heartbeatIntervalTicks(config.heartbeatTicks())
                .leaseReads(config.leaseReads())
                .maxClockDrift(config.maxClockDrift())
                .appliedIndex(snap.index())
                .build();
        SimRandom rr = random.child("raft-" + r.group + "-" + r.replicaId);
        r.raft = ctx.newRaft(cfg, rs, rr::nextInt);
    }

    // ---- process lifecycle ----

    /** Starts (or restarts after a crash) the process from its durable state. */
    public void start() {
        if (state != State.DOWN) {
            throw new IllegalStateException("node " + id + " is " + state + ", cannot start");
        }
        state = State.UP;
        ctx.trace().record(scheduler.nowNs(), "node.start", id, epoch);
        for (Replica r : replicas.values()) {
            startRaft(r);
        }
        nextTickLocalNs = clock.localNs(scheduler.nowNs()) + config.tickNs();
        scheduleTick();
        for (Replica r : replicas.values()) {
            processReady(r);
        }
        flush();
    }

    /** The process dies: volatile state, queued work and unsynced writes are lost. */
    public void crash() {
        if (state == State.DOWN) {
            return;
        }
        state = State.DOWN;
        epoch++;
        tickGen++;
        deferred.clear();
        outbox.clear();
        disk.reset();
        for (Replica r : replicas.values()) {
            r.dropPending();
            r.raft = null;
            r.storage.crash();
        }
        ctx.trace().record(scheduler.nowNs(), "node.crash", id, epoch);
    }

    /** Gives the node's replicas new storage and ids (a wiped disk); the node must be down. */
    public void replaceReplica(int group, long newReplicaId, SimStorage storage) {
        if (state != State.DOWN) {
            throw new IllegalStateException("wipe node " + id + " only while it is down");
        }
        replicas.remove(group);
        replicas.put(group, new Replica(group, newReplicaId, storage));
    }

    public void pause() {
        if (state == State.UP) {
            state = State.PAUSED;
            ctx.trace().record(scheduler.nowNs(), "node.pause", id, epoch);
        }
    }

    public void resume() {
        if (state != State.PAUSED) {
            return;
        }
        state = State.UP;
        ctx.trace().record(scheduler.nowNs(), "node.resume", id, deferred.size());
        catchUpTicks();
        int bound = deferred.size();
        for (int i = 0; i < bound && state == State.UP; i++) {
            deferred.poll().run();
            flush();
        }
        scheduleTick();
    }

    /** The clock was bumped or its drift changed: re-aim the tick timer. */
    public void onClockChanged() {
        if (state == State.UP) {
            scheduleTick();
        }
    }

    private void enter(Runnable work) {
        if (state == State.DOWN) {
            return;
        }
        if (state == State.PAUSED) {
            deferred.add(work);
            return;
        }
        work.run();
        flush();
    }

    // ---- ticks ----

    private void scheduleTick() {
        long gen = ++tickGen;
        long at = clock.virtualNsAt(nextTickLocalNs, scheduler.nowNs());
        scheduler.at(at, () -> onTickTimer(gen));
    }

    /**
     * On waking from a pause the host looks at its clock before anything else and fires the ticks it
     * missed, up to an election timeout's worth: leases and check-quorum see the lost time, so a
     * leader does not serve lease reads on a lease that expired while it was frozen.
     */
    private void catchUpTicks() {
        long local = clock.localNs(scheduler.nowNs());
        if (local < nextTickLocalNs) {
            return;
        }
        long due = (local - nextTickLocalNs) / config.tickNs() + 1;
        int n = (int) Math.min(due, config.electionTicks() + 1L);
        nextTickLocalNs += due * config.tickNs();
        ticks += n;
        ctx.trace().record(scheduler.nowNs(), "node.tick", id, n);
        for (int i = 0; i < n; i++) {
            for (Replica r : replicas.values()) {
                r.raft.tick();
            }
        }
        for (Replica r : replicas.values()) {
            processReady(r);
        }
        flush();
    }

    private void onTickTimer(long gen) {
        if (gen != tickGen || state != State.UP) {
            return;
        }
        long local = clock.localNs(scheduler.nowNs());
        if (local < nextTickLocalNs) {
            scheduleTick();
            return;
        }
        long due = (local - nextTickLocalNs) / config.tickNs() + 1;
        int n = (int) Math.min(due, config.tickCatchUpMax());
        nextTickLocalNs += due * config.tickNs();
        ticks += n;
        ctx.trace().record(scheduler.nowNs(), "node.tick", id, n);
        for (int i = 0; i < n; i++) {
            for (Replica r : replicas.values()) {
                r.raft.tick();
            }
        }
        buggifyOnTick();
        for (Replica r : replicas.values()) {
            processReady(r);
        }
        flush();
        scheduleTick();
    }

    private void buggifyOnTick() {
        if (replicas.isEmpty()) {
            return;
        }
        if (ctx.buggify().fire("host.spurious-unreachable")) {
            Replica r = replicas.get(new ArrayList<>(replicas.keySet()).get(random.nextInt(replicas.size())));
            for (long peer : r.raft.confState().allMembers()) {
                if (peer != r.replicaId) {
                    r.raft.reportUnreachable(peer);
                    break;
                }
            }
        }
        if (ctx.buggify().fire("host.early-snapshot")) {
            for (Replica r : replicas.values()) {
                maybeSnapshot(r, true);
            }
        }
    }

    // ---- inbound ----

    /** A packet of Raft messages arrived from node {@code from}. */
    public void deliver(int from, List<GroupMessage> messages) {
        enter(() -> stepAll(messages));
    }

    private void stepAll(List<GroupMessage> messages) {
        TreeSet<Integer> touched = new TreeSet<>();
        for (GroupMessage gm : messages) {
            Replica r = replicas.get(gm.group());
            if (r == null || r.raft == null || gm.message().to() != r.replicaId) {
                continue;
            }
            stepped++;
            r.raft.step(gm.message());
            touched.add(gm.group());
        }
        for (int g : touched) {
            processReady(replicas.get(g));
        }
    }

    /** A client request arrived; {@code reply} carries the answer back. */
    public void submit(ClientRequest request, Consumer<ClientResponse> reply) {
        enter(() -> handleClient(new Replica.Call(request, reply)));
    }

    /** Runs a control-plane action on the group's replica core while the node is up (returns false otherwise). */
    public boolean control(int group, Consumer<io.conclave.raft.RaftNode> action) {
        if (state != State.UP) {
            return false;
        }
        Replica r = replicas.get(group);
        if (r == null || r.raft == null) {
            return false;
        }
        action.accept(r.raft);
        processReady(r);
        flush();
        return true;
    }

    /** Takes a snapshot of the group's state and compacts its log now (a control-plane fault). */
    public void forceSnapshot(int group) {
        enter(() -> {
            Replica r = replicas.get(group);
            if (r != null && r.raft != null) {
                maybeSnapshot(r, true);
            }
        });
    }

    // ---- clients ----

    private void handleClient(Replica.Call call) {
        ClientRequest q = call.request();
        Replica r = replicas.get(q.group());
        if (r == null || r.raft == null) {
            reply(call, ClientResponse.fail(q.opId(), 0));
            return;
        }
        if (q.op().isWrite()) {
            propose(r, call);
        } else {
            read(r, call);
        }
        processReady(r);
    }

    private int leaderHint(Replica r) {
        long leader = r.raft.getLeader();
        return leader == 0 ? 0 : NodeContext.nodeOf(leader);
    }

    private void propose(Replica r, Replica.Call call) {
        ClientRequest q = call.request();
        if (!r.raft.isLeader()) {
            reply(call, ClientResponse.fail(q.opId(), leaderHint(r)));
            return;
        }
        Command.Kind kind = q.op() == ClientRequest.Op.PUT ? Command.Kind.PUT
                : q.op() == ClientRequest.Op.CAS ? Command.Kind.CAS : Command.Kind.APPEND;
        ProposeResult res = r.raft.propose(new Command(kind, q.opId(), q.key(), q.value(), q.expected()).encode());
        if (!res.accepted()) {
            reply(call, ClientResponse.fail(q.opId(), leaderHint(r)));
            return;
        }
        boolean ackNow = kind == Command.Kind.PUT && ctx.bugs().contains(HostBug.ACK_AT_APPEND);
        r.pendingWrites.put(res.firstIndex(), new Replica.PendingWrite(res.term(), call, ackNow));
        if (ackNow) {
            ctx.invariants().onAck(r.group, res.firstIndex(), res.term(), r.raft.confState(), r.previousConf);
            reply(call, new ClientResponse(q.opId(), true, null, true, -1, List.of(), id));
        }
    }

    private void read(Replica r, Replica.Call call) {
        ClientRequest q = call.request();
        boolean isLeader = r.raft.isLeader();
        if (q.level() == ClientRequest.Level.EVENTUAL
                || (isLeader && ctx.bugs().contains(HostBug.READ_WITHOUT_READ_INDEX)
                    && q.level() == ClientRequest.Level.LINEARIZABLE)
                || (!isLeader && r.ledThisLife && ctx.bugs().contains(HostBug.DEPOSED_LEADER_READS))) {
            ctx.trace().record(scheduler.nowNs(), "host.read-local", r.group, r.replicaId, r.raft.term(), q.opId());
            answerRead(r, call);
            return;
        }
        ReadMode mode = q.level() == ClientRequest.Level.STRONG && config.leaseReads() ? ReadMode.LEASE
                : ReadMode.READ_INDEX;
        ReadStatus st = r.raft.readIndex(context(q.opId()), mode);
        if (st == ReadStatus.NO_LEADER) {
            reply(call, ClientResponse.fail(q.opId(), 0));
            return;
        }
        r.awaitingReadState.put(q.opId(), call);
    }

    private static byte[] context(long opId) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (opId >>> (56 - 8 * i));
        }
        return b;
    }

    private static long opIdOf(byte[] ctx) {
        if (ctx.length != 8) {
            return -1;
        }
        long v = 0;
        for (byte b : ctx) {
            v = (v << 8) | (b & 0xff);
        }
        return v;
    }

    private void answerRead(Replica r, Replica.Call call) {
        ClientRequest q = call.request();
        if (q.op() == ClientRequest.Op.GET) {
            reply(call, new ClientResponse(q.opId(), true, r.machine.get(q.key()), false, -1, List.of(), id));
        } else {
            reply(call, new ClientResponse(q.opId(), true, null, false, -1,
                    r.machine.read(q.key(), q.from(), q.to()), id));
        }
    }

    private void reply(Replica.Call call, ClientResponse response) {
        call.reply().accept(response);
    }

    // ---- ready ----

    private void processReady(Replica r) {
        for (int round = 0; r.raft != null && r.inFlight == null && r.raft.hasReady(); round++) {
            if (round >= config.readyLoopMax()) {
                throw new IllegalStateException("node " + id + " group " + r.group + ": more than "
                        + config.readyLoopMax() + " Ready rounds in one event");
            }
            Ready rd = r.raft.ready();
            onSoftState(r, rd.softState());
            if (rd.hardState() != null) {
                ctx.invariants().onHardState(r.group, r.replicaId, rd.hardState());
            }
            List<Message> later = new ArrayList<>();
            for (Message m : rd.messages()) {
                if (m.canSendBeforePersist()) {
                    send(r, m);
                } else {
                    later.add(m);
                }
            }
            if (!rd.hasPersistentState()) {
                finishReady(r, rd, later);
                continue;
            }
            long mark = r.storage.write(rd.hardState(), rd.entries(), rd.snapshot());
            r.inFlight = rd;
            long ep = epoch;
            io.conclave.raft.RaftNode core = r.raft;
            disk.submit(new Disk.Write(r.storage, mark, () -> {
                if (ep == epoch && replicas.get(r.group) == r && r.raft == core) {
                    enter(() -> {
                        finishReady(r, rd, later);
                        processReady(r);
                    });
                }
            }));
        }
    }

    private void onSoftState(Replica r, SoftState soft) {
        if (soft == null) {
            return;
        }
        if (soft.role() == StateRole.LEADER) {
            r.ledThisLife = true;
            ctx.invariants().onLeader(r.group, r.replicaId, r.raft.term());
            ctx.trace().record(scheduler.nowNs(), "raft.leader", r.group, r.replicaId, r.raft.term(), 0);
        } else if (r.ledThisLife) {
            ctx.trace().record(scheduler.nowNs(), "raft.role", r.group, r.replicaId, r.raft.term(),
                    soft.role().ordinal());
        }
    }

    private void finishReady(Replica r, Ready rd, List<Message> later) {
        if (rd.hardState() != null && rd.hasPersistentState()) {
            ctx.invariants().onDurableReported(r.group, r.replicaId, rd.hardState());
        }
        for (Message m : later) {
            send(r, m);
        }
        if (rd.snapshot() != null && !rd.snapshot().isEmpty() && rd.snapshot().index() > r.applied) {
            r.machine.restore(rd.snapshot().data());
            r.applied = rd.snapshot().index();
            ctx.invariants().onSnapshot(r.group, r.replicaId, r.applied);
            forgetPendingThrough(r, r.applied);
        }
        for (Entry e : rd.committedEntries()) {
            if (e.index() > r.applied) {
                apply(r, e);
            }
        }
        for (ReadState rs : rd.readStates()) {
            Replica.Call call = r.awaitingReadState.remove(opIdOf(rs.context()));
            if (call != null) {
                r.awaitingApply.add(new Replica.PendingRead(rs.index(), call));
            }
        }
        answerAppliedReads(r);
        r.raft.advance(rd);
        r.inFlight = null;
        maybeSnapshot(r, r.snapshotDue);
        r.snapshotDue = false;
    }

    private void apply(Replica r, Entry e) {
        ctx.invariants().onApply(r.group, r.replicaId, e);
        r.applied = e.index();
        if (e.type() == EntryType.CONF_CHANGE) {
            r.previousConf = r.raft.confState();
            r.raft.applyConfChange(ConfChange.decode(e.data()));
            r.snapshotDue = true;
            ctx.trace().record(scheduler.nowNs(), "raft.confchange", r.group, r.replicaId, e.index(), 0);
            failPendingThrough(r, e.index());
            return;
        }
        if (e.data().length == 0) {
            failPendingThrough(r, e.index());
            return;
        }
        Command c = Command.decode(e.data());
        KvLogMachine.Result result = r.machine.apply(c);
        Replica.PendingWrite pw = r.pendingWrites.get(e.index());
        if (pw != null && pw.term() == e.term() && pw.call().request().opId() == c.opId()) {
            r.pendingWrites.remove(e.index());
            if (!pw.alreadyAcked()) {
                ctx.invariants().onAck(r.group, e.index(), e.term(), r.raft.confState(), r.previousConf);
                ClientRequest q = pw.call().request();
                reply(pw.call(), new ClientResponse(q.opId(), true, null, result.swapped(), result.offset(), List.of(),
                        id));
            }
        }
        failPendingThrough(r, e.index());
    }

    /** Proposals at or below {@code index} that were not applied as themselves never will be. */
    private void failPendingThrough(Replica r, long index) {
        Iterator<Map.Entry<Long, Replica.PendingWrite>> it = r.pendingWrites.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Replica.PendingWrite> pe = it.next();
            if (pe.getKey() > index) {
                break;
            }
            it.remove();
            if (!pe.getValue().alreadyAcked()) {
                reply(pe.getValue().call(), ClientResponse.fail(pe.getValue().call().request().opId(), leaderHint(r)));
            }
        }
    }

    /**
     * A snapshot jumped over these proposals: whether each took effect is unknown here (the entries
     * are not visible), so they get no answer and their clients time out with {@code unknown}.
     */
    private static void forgetPendingThrough(Replica r, long index) {
        r.pendingWrites.headMap(index, true).clear();
    }

    private void answerAppliedReads(Replica r) {
        Iterator<Replica.PendingRead> it = r.awaitingApply.iterator();
        while (it.hasNext()) {
            Replica.PendingRead pr = it.next();
            if (pr.index() <= r.applied) {
                it.remove();
                answerRead(r, pr.call());
            }
        }
    }

    private void maybeSnapshot(Replica r, boolean force) {
        RaftStorage rs = r.storage.raftStorage();
        long snapIndex = rs.snapshot().index();
        if (r.applied <= snapIndex || r.applied > rs.lastIndex()) {
            return;
        }
        if (!force && r.applied - snapIndex < config.snapshotEveryEntries()) {
            return;
        }
        long mark = r.storage.snapshotAndCompact(r.applied, r.raft.confState(), r.machine.snapshot());
        ctx.trace().record(scheduler.nowNs(), "host.snapshot", r.group, r.replicaId, r.applied, 0);
        disk.submit(new Disk.Write(r.storage, mark, () -> { }));
    }

    // ---- outbound ----

    private void send(Replica r, Message m) {
        int dest = NodeContext.nodeOf(m.to());
        outbox.computeIfAbsent(dest, d -> new ArrayList<>()).add(new GroupMessage(r.group, m));
    }

    private void flush() {
        if (outbox.isEmpty()) {
            return;
        }
        for (Map.Entry<Integer, List<GroupMessage>> e : outbox.entrySet()) {
            List<GroupMessage> packet = List.copyOf(e.getValue());
            ctx.network().send(id, e.getKey(), packet, packet.size());
        }
        outbox.clear();
    }
}
