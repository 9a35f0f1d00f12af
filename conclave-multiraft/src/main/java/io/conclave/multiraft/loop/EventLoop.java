package io.conclave.multiraft.loop;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.liveness.LivenessMonitor;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.replica.Replica;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.SnapshotChunk;
import io.conclave.storage.buggify.Buggify;
import io.conclave.transport.Envelope;
import io.conclave.transport.Transport;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One event loop: owns its replicas and drives them on one thread (see the package doc). Each
 * {@link #doWork} takes, in order: completions posted by the storage and apply threads (bounded by
 * the number of replicas, one Ready in flight each), client tasks, inbound messages, due timers
 * (ticks, campaigns, retries, liveness on loop 0), admitted failover campaigns, then the Readies of
 * the replicas touched. Offer methods may be called from any thread; everything else on the loop's.
 */
public final class EventLoop implements Agent {

    /** The longest an idle loop parks with no timer due (a bound, in case a wake-up is ever missed). */
    static final long IDLE_PARK_NS_MAX = 100_000_000L;

    private final int index;
    private final RuntimeConfig config;
    private final Transport transport;
    private final Applier applier;
    private final TimerWheel wheel;
    private final BoundedMpscQueue<Envelope> inbound;
    private final BoundedMpscQueue<Runnable> tasks;
    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private final Map<Long, Replica> replicas = new HashMap<>();
    private final ArrayDeque<Replica> readyQueue = new ArrayDeque<>();
    private final ArrayDeque<Replica> campaignQueue = new ArrayDeque<>();
    private LivenessMonitor liveness;
    private final TimerWheel.Timer livenessTimer = new TimerWheel.Timer() {
        @Override
        protected void onExpire(long nowNs) {
            liveness.onTimer(nowNs);
            wheel.schedule(this, nowNs + liveness.pingIntervalNs());
        }
    };
    private volatile Runnable waker = () -> { };
    private volatile java.util.function.BooleanSupplier helper = () -> false;
    private final java.util.concurrent.atomic.LongAdder helpedTurns = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder helpMisses = new java.util.concurrent.atomic.LongAdder();
    private long nowNs;
    private double electionTokens;
    private long tokensRefilledNs;

    // ---- counters: written by the loop thread, read by any ----
    private volatile long messagesIn;
    private volatile long messagesUnknownGroup;
    private volatile long messagesRefused;
    private int unflushed;
    private volatile long readies;
    private volatile long applyBackPressure;
    private volatile long persistRetries;
    private volatile long persistFailures;
    private volatile long electionsStarted;
    private volatile long electionsDeferred;
    private volatile long snapshotsStored;
    private volatile long rejoinsDemoted;
    private volatile long ticks;
    private volatile long rejoinsCompleted;
    private volatile long stalePromotionsDropped;
    private volatile int replicaCount;
    private volatile boolean refusingHandedLeadership;

    public EventLoop(int index, RuntimeConfig config, Transport transport, Applier applier, long startNs) {
        this.index = index;
        this.config = config;
        this.transport = transport;
        this.applier = applier;
        this.wheel = new TimerWheel(config.timerSlots(), config.timerResolutionNs(), startNs);
        this.inbound = new BoundedMpscQueue<>(config.inboundQueueCapacity());
        this.tasks = new BoundedMpscQueue<>(config.taskQueueCapacity());
        this.nowNs = startNs;
        this.tokensRefilledNs = startNs;
        this.electionTokens = config.electionsPerMsMax();
    }

    /** See {@code RaftRuntime.refuseHandedLeadership}. Any thread. */
    public void refuseHandedLeadership() {
        refusingHandedLeadership = true;
    }

    public boolean refusesHandedLeadership() {
        return refusingHandedLeadership;
    }

    public void setWaker(Runnable w) {
        waker = w;
    }

    /**
     * How a thread that queued work runs one turn of this loop itself ({@code AgentThread.runHere}):
     * true when it did, false when another thread is in the loop. Without one, {@link #runOrWake} wakes.
     */
    public void setHelper(java.util.function.BooleanSupplier h) {
        helper = h;
    }

    /** Makes this loop the owner of node liveness (loop 0); must be called before it runs. */
    public void attachLiveness(LivenessMonitor monitor) {
        this.liveness = monitor;
        wheel.schedule(livenessTimer, nowNs + monitor.pingIntervalNs());
    }

    // ================================ any thread ================================

    /** Queues an inbound Raft message; false (counted) when the queue is full: Raft will retry. */
    public boolean offerMessage(long groupId, Message m) {
        if (!inbound.offer(new Envelope(groupId, m))) {
            return false;
        }
        waker.run();
        return true;
    }

    /**
     * Queues an inbound Raft message without waking the loop: the caller queues a whole batch, then
     * calls {@link #runOrWake} once. False (counted) when the queue is full.
     */
    public boolean offerMessageQuietly(long groupId, Message m) {
        return inbound.offer(new Envelope(groupId, m));
    }

    /**
     * After {@link #offerMessageQuietly}: runs one turn of the loop on the calling thread if no other
     * thread is in it (one thread switch fewer for what was queued), else wakes the loop's thread. The
     * caller holds no lock and can afford a turn (a network thread that has just read a frame).
     */
    public void runOrWake() {
        if (helper.getAsBoolean()) {
            helpedTurns.increment();
        } else {
            helpMisses.increment();
            waker.run();
        }
    }

    /**
     * Queues a client task; false when the queue is full (the caller answers BACK_PRESSURE). Wakes the
     * loop, or, inside a {@link HelpScope} on this thread, leaves it to the scope's end.
     */
    public boolean offerTask(Runnable task) {
        if (!tasks.offer(task)) {
            return false;
        }
        if (!HelpScope.defer(this)) {
            waker.run();
        }
        return true;
    }

    /**
     * Posts news from a storage or apply thread. Never refused: each replica has at most one
     * persist and a bounded number of apply tasks in flight, so this queue is bounded by them.
     */
    public void postCompletion(Runnable completion) {
        completions.add(completion);
        waker.run();
    }

    public int index() {
        return index;
    }

    public LoopStats stats() {
        return new LoopStats(replicaCount, messagesIn, inbound.refused(), messagesUnknownGroup, messagesRefused,
                tasks.refused(),
                readies, applyBackPressure, persistRetries, persistFailures, electionsStarted, electionsDeferred,
                snapshotsStored, rejoinsDemoted, rejoinsCompleted, stalePromotionsDropped, ticks, helpedTurns.sum(), helpMisses.sum());
    }

    // ================================ loop thread ================================

    @Override
    public boolean hasQueuedWork() {
        return !completions.isEmpty() || !tasks.isEmpty() || !inbound.isEmpty();
    }

    @Override
    public boolean hasWork() {
        return !completions.isEmpty() || !tasks.isEmpty() || !inbound.isEmpty() || !readyQueue.isEmpty();
    }

    /**
     * Parks until the next timer's slot (at least one resolution, at most {@link #IDLE_PARK_NS_MAX}):
     * a loop whose groups all rest sleeps between liveness rounds instead of waking every
     * resolution. Producers unpark it for anything queued.
     */
    @Override
    public long idleParkNs(long now, long runnerParkNs) {
        long untilNs = wheel.nanosUntilNextTimer(Math.max(nowNs, now), IDLE_PARK_NS_MAX);
        return Math.max(runnerParkNs, untilNs);
    }

    @Override
    public int doWork(long now) {
        nowNs = Math.max(nowNs, now);
        int work = drainCompletions();
        work += drainTasks();
        work += drainInbound();
        work += wheel.expire(nowNs);
        work += admitCampaigns();
        work += processReadies();
        if (unflushed > 0) {
            transport.flush(); // the batching boundary: one flush per loop step, not per message
            unflushed = 0;
        }
        return work;
    }

    private int drainCompletions() {
        int n = 0;
        Runnable r;
        while (n < config.itemsPerWorkMax() && (r = completions.poll()) != null) {
            r.run();
            n++;
        }
        return n;
    }

    private int drainTasks() {
        int n = 0;
        Runnable r;
        while (n < config.itemsPerWorkMax() && (r = tasks.poll()) != null) {
            r.run();
            n++;
        }
        return n;
    }

    private int drainInbound() {
        int n = 0;
        Envelope gm;
        while (n < config.itemsPerWorkMax() && (gm = inbound.poll()) != null) {
            n++;
            Replica r = replicas.get(gm.groupId());
            if (r == null) {
                messagesUnknownGroup++;
                continue;
            }
            r.step(gm.message());
        }
        messagesIn += n;
        return n;
    }

    private int admitCampaigns() {
        if (campaignQueue.isEmpty()) {
            return 0;
        }
        long elapsedNs = nowNs - tokensRefilledNs;
        electionTokens = Math.min(config.electionsPerMsMax(),
                electionTokens + elapsedNs * (double) config.electionsPerMsMax() / 1_000_000.0);
        tokensRefilledNs = nowNs;
        int started = 0;
        while (electionTokens >= 1 && !campaignQueue.isEmpty()) {
            Replica r = campaignQueue.poll();
            r.leaveCampaignQueue();
            if (r.campaignNow(nowNs)) {
                electionTokens -= 1;
                started++;
            }
        }
        electionsDeferred += campaignQueue.size();
        electionsStarted += started;
        return started;
    }

    private int processReadies() {
        int n = 0;
        int rounds = readyQueue.size();
        for (int i = 0; i < rounds; i++) {
            Replica r = readyQueue.poll();
            r.leaveReadyQueue();
            if (r.handleReady()) {
                readies++;
                n++;
            }
        }
        return n;
    }

    // ---- services for replicas (loop thread) ----

    public long nowNs() {
        return nowNs;
    }

    public TimerWheel wheel() {
        return wheel;
    }

    public Applier applier() {
        return applier;
    }

    public RuntimeConfig config() {
        return config;
    }

    public void addReplica(Replica r) {
        if (replicas.putIfAbsent(r.groupId(), r) != null) {
            throw new IllegalStateException("group " + r.groupId() + " already has a replica on loop " + index);
        }
        replicaCount = replicas.size();
        r.start(nowNs);
    }

    /** Takes the replica off this loop (it must be stopped: queued work for it is then skipped); null when absent. */
    public Replica removeReplica(long groupId) {
        Replica r = replicas.remove(groupId);
        replicaCount = replicas.size();
        return r;
    }

    public Replica replica(long groupId) {
        return replicas.get(groupId);
    }

    public Collection<Replica> replicas() {
        return replicas.values();
    }

    /** The replica has something for its next Ready, maybe. */
    public void markReady(Replica r) {
        if (r.enterReadyQueue()) {
            readyQueue.add(r);
        }
    }

    /** The replica wants to campaign; it starts when the admission limit allows. */
    public void enqueueCampaign(Replica r) {
        if (r.enterCampaignQueue()) {
            campaignQueue.add(r);
        }
    }

    /**
     * Sends a replica's message on the lane of its type (votes, heartbeats, ReadIndex and TimeoutNow
     * on the priority lane); it leaves at the loop's next flush. A message the transport refuses
     * (full queue, unreachable or unknown peer) is counted; Raft retransmits.
     */
    public void send(long groupId, Message m) {
        if (buggifyDrops(m)) {
            messagesRefused++;
            return;
        }
        boolean taken;
        try {
            taken = transport.send(m.to(), groupId, m);
            if (taken && m instanceof AppendEntries && Buggify.fire(Buggify.REPLICATION_DUPLICATE)) {
                transport.send(m.to(), groupId, m);
            }
        } catch (IllegalArgumentException notAPeer) {
            taken = false;
        }
        if (taken) {
            unflushed++;
        } else {
            messagesRefused++;
        }
    }

    /** Buggify points of the send path (inert outside a simulator): a lost append or snapshot chunk. */
    private static boolean buggifyDrops(Message m) {
        return (m instanceof AppendEntries && Buggify.fire(Buggify.REPLICATION_DROP))
                || (m instanceof SnapshotChunk && Buggify.fire(Buggify.SNAPSHOT_DROP_CHUNK));
    }

    public void notePersistRetry() {
        persistRetries++;
    }

    public void notePersistFailure() {
        persistFailures++;
    }

    public void noteApplyBackPressure() {
        applyBackPressure++;
    }

    public void noteTick() {
        ticks++;
    }

    public void noteRejoinDemoted() {
        rejoinsDemoted++;
    }

    public void noteRejoinCompleted() {
        rejoinsCompleted++;
    }

    public void noteStalePromotionsDropped(int count) {
        stalePromotionsDropped += count;
    }

    public void noteSnapshotStored() {
        snapshotsStored++;
    }

    /** Runs {@code action} on each replica (loop thread; for suspicions and shutdown). */
    public void forEachReplica(java.util.function.Consumer<Replica> action) {
        for (Replica r : replicas.values()) {
            action.accept(r);
        }
    }
}
