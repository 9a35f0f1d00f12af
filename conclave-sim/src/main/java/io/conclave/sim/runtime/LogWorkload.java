package io.conclave.sim.runtime;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.check.history.History;
import io.conclave.check.history.HistoryRecorder;
import io.conclave.check.history.HistoryRecorder.Invocation;
import io.conclave.check.history.HistoryRecorder.Request;
import io.conclave.check.history.Level;
import io.conclave.check.log.ReplicaLog;
import io.conclave.raft.ReadMode;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.server.partition.PartitionCommand;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.partition.PartitionReader;
import io.conclave.server.partition.Producing;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Clients of the data plane: each is bound to one partition ({@code "p<group>"}, at most
 * {@link LogOptions#clientsPerPartition} clients each) and runs one operation at a time, recorded
 * in the shared history format. Odd groups are strong partitions (appends at {@code strong} or
 * {@code linearizable} through the real {@link Producing}, reads at {@code linearizable}: a
 * ReadIndex barrier, then the node's {@link PartitionLog} through the real {@link PartitionReader});
 * even groups are eventual partitions (appends acknowledged on the leader's append, reads from any
 * replica's local log). An append is retried, to the leader it was told of, with the same producer
 * id and sequence until it is acknowledged or its time runs out ({@code unknown}; the client then
 * takes a new producer id). Runs on the scheduler's thread.
 */
final class LogWorkload {

    private static final int READ_BYTES_MAX = 1 << 20;
    private static final long RETRY_NS = 10_000_000L;
    private static final long ATTEMPT_NS_MAX = 1_000_000_000L;

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final RuntimeNode[] nodes;
    private final RuntimeSimConfig config;
    private final LogOptions options;
    private final HistoryRecorder recorder;
    private final int partitions;
    private final Routing routing;
    private final long[] knownLength;
    private final List<Client> clients = new ArrayList<>();
    private long producerIds;
    private boolean stopped;

    private final class Client {
        int id = recorder.newClient();
        final int index;
        final long group;
        long producerId = ++producerIds;
        int sequence = -1; // a producer's first batch is sequence 0
        long counter;

        Client(int index, long group) {
            this.index = index;
            this.group = group;
        }

        void renew() {
            id = recorder.newClient();
            producerId = ++producerIds;
            sequence = -1;
        }
    }

    LogWorkload(Scheduler scheduler, SimRandom random, Trace trace, RuntimeNode[] nodes, RuntimeSimConfig config,
                LogOptions options) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.nodes = nodes;
        this.routing = new Routing(nodes, random);
        this.config = config;
        this.options = options.validate();
        this.recorder = new HistoryRecorder(scheduler::nowNs);
        this.partitions = Math.min(config.groups(), config.activeGroupsMax());
        this.knownLength = new long[partitions + 1];
    }

    static String keyOf(long group) {
        return "p" + group;
    }

    static boolean isEventual(long group) {
        return group % 2 == 0;
    }

    int partitions() {
        return partitions;
    }

    void start() {
        for (long g = 1; g <= partitions; g++) {
            for (int i = 0; i < options.clientsPerPartition(); i++) {
                Client c = new Client(clients.size(), g);
                clients.add(c);
                scheduler.after(random.between(0, 10_000_000L), () -> next(c));
            }
        }
    }

    void stop() {
        stopped = true;
    }

    History history() {
        return recorder.history();
    }

    private void next(Client c) {
        if (stopped) {
            return;
        }
        Runnable then = () -> scheduler.after(random.exponential(5_000_000L), () -> next(c));
        if (random.chance(0.55)) {
            append(c, then);
        } else {
            long from = Math.max(0, knownLength[(int) c.group] - random.between(0, 16));
            Level level = isEventual(c.group) ? Level.EVENTUAL : random.chance(0.5) ? Level.STRONG : Level.LINEARIZABLE;
            read(c, from, level, ok -> then.run());
        }
    }

    // ================================ appends ================================

    private void append(Client c, Runnable then) {
        boolean eventual = isEventual(c.group);
        Level level = eventual ? Level.EVENTUAL : random.chance(0.5) ? Level.STRONG : Level.LINEARIZABLE;
        String value = "c" + c.index + "-" + (++c.counter);
        int sequence = ++c.sequence;
        Invocation inv = recorder.invoke(c.id, Request.append(keyOf(c.group), value).at(level));
        List<PartitionCommand.StoredRecord> records = List.of(new PartitionCommand.StoredRecord(null,
                value.getBytes(StandardCharsets.UTF_8), 0, List.of()));
        attempt(c, inv, sequence, records, eventual, scheduler.nowNs() + config.opTimeoutNs(), then);
    }

    private void attempt(Client c, Invocation inv, int sequence, List<PartitionCommand.StoredRecord> records,
                         boolean eventual, long deadlineNs, Runnable then) {
        if (scheduler.nowNs() >= deadlineNs) {
            inv.unknown();
            c.renew();
            then.run();
            return;
        }
        RuntimeNode node = routing.pick(c.group);
        DataPlane dp = node == null ? null : node.dataPlane();
        if (dp == null) {
            scheduler.after(RETRY_NS, () -> attempt(c, inv, sequence, records, eventual, deadlineNs, then));
            return;
        }
        CompletableFuture<Producing.Result> f = dp.producing().produce(c.group, c.producerId, sequence, records,
                eventual);
        boolean[] done = new boolean[1];
        Runnable retry = () -> attempt(c, inv, sequence, records, eventual, deadlineNs, then);
        scheduler.after(Math.min(ATTEMPT_NS_MAX, Math.max(1, deadlineNs - scheduler.nowNs())), () -> {
            if (!done[0]) {
                done[0] = true;
                retry.run();
            }
        });
        f.whenComplete((r, error) -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            if (error == null && r.baseOffset() >= 0) {
                inv.okAppend(r.baseOffset());
                knownLength[(int) c.group] = Math.max(knownLength[(int) c.group], r.baseOffset() + 1);
                routing.led(c.group, node.id());
                trace.record(scheduler.nowNs(), "client.append", c.group, r.baseOffset(), node.id(),
                        r.duplicate() ? 1 : 0);
                then.run();
                return;
            }
            if (error == null) { // a duplicate whose offset this leader no longer knows
                inv.unknown();
                c.renew();
                then.run();
                return;
            }
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            ErrorCode code = ApiErrors.codeOf(e);
            if (code == ErrorCode.OUT_OF_ORDER_SEQUENCE) {
                inv.unknown(); // the producer's earlier batch was lost: go on as a new producer
                c.renew();
                then.run();
                return;
            }
            long hint = ApiErrors.leaderOf(e);
            routing.hinted(c.group, code == ErrorCode.NOT_LEADER ? hint : 0);
            scheduler.after(RETRY_NS, retry);
        });
    }

    // ================================ reads ================================

    /**
     * One read of the partition from {@code from} to its tail at {@code level}; {@code then} gets whether
     * it succeeded. {@code linearizable}: a ReadIndex barrier; {@code strong}: a lease read barrier
     * ({@code ReadMode.LEASE}, as the server's STRONG fetch) — a ReadIndex round when the lease is not
     * valid or lease reads are off; {@code eventual}: any replica's local log.
     */
    private void read(Client c, long from, Level level, java.util.function.Consumer<Boolean> then) {
        boolean eventual = level == Level.EVENTUAL;
        RuntimeNode node = eventual ? routing.anyUp(c.group) : routing.pick(c.group);
        if (node == null) {
            scheduler.after(RETRY_NS, () -> then.accept(false));
            return;
        }
        Invocation inv = recorder.invoke(c.id, Request.read(keyOf(c.group), from, null, false)
                .at(level));
        if (eventual || options.plantedUnfencedReads()) {
            List<Object> values = readLocal(node, c.group, from);
            if (values == null) {
                inv.fail();
            } else {
                inv.okRead(values);
            }
            then.accept(values != null);
            return;
        }
        CompletableFuture<Long> f = node.read(c.group, level == Level.STRONG ? ReadMode.LEASE : ReadMode.READ_INDEX);
        boolean[] done = new boolean[1];
        scheduler.after(config.opTimeoutNs(), () -> {
            if (!done[0]) {
                done[0] = true;
                inv.unknown();
                c.renew();
                then.accept(false);
            }
        });
        if (f == null) {
            done[0] = true;
            inv.fail();
            scheduler.after(RETRY_NS, () -> then.accept(false));
            return;
        }
        f.whenComplete((index, error) -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            List<Object> values = error == null ? readLocal(node, c.group, from) : null;
            if (values == null) {
                routing.forget(c.group);
                inv.fail();
            } else {
                routing.led(c.group, node.id());
                inv.okRead(values);
            }
            then.accept(values != null);
        });
    }

    /** The node's applied log of the partition from {@code from} to its tail; null when not hosted there. */
    static List<Object> readLocal(RuntimeNode node, long group, long from) {
        return node.readStorage(() -> readApplied(node, group, from));
    }

    private static List<Object> readApplied(RuntimeNode node, long group, long from) {
        DataPlane dp = node.dataPlane();
        RaftStorage raftLog = dp == null ? null : dp.log(group);
        if (raftLog == null) {
            return null;
        }
        PartitionLog log = dp.partition(group);
        List<Object> values = new ArrayList<>();
        long hw = log.nextOffset();
        long offset = from;
        while (offset < hw) {
            PartitionReader.Slice slice = PartitionReader.read(log, raftLog, offset, READ_BYTES_MAX);
            if (slice.records().isEmpty()) {
                throw new IllegalStateException("node " + node.id() + " group " + group + ": no record at offset "
                        + offset + " below the high watermark " + hw);
            }
            for (PartitionReader.Fetched r : slice.records()) {
                if (r.offset() != offset) {
                    throw new IllegalStateException("node " + node.id() + " group " + group + ": offset "
                            + r.offset() + " read where " + offset + " was due");
                }
                values.add(new String(r.record().value(), StandardCharsets.UTF_8));
                offset++;
            }
        }
        return values;
    }

    /**
     * After the faults: one LINEARIZABLE read of every partition from offset 0, retried until it
     * succeeds or {@code deadlineNs}. Returns through {@code unread} the partitions still unread.
     */
    void finalReads(long deadlineNs, List<String> unread) {
        for (long g = 1; g <= partitions; g++) {
            if (isEventual(g)) {
                continue;
            }
            unread.add(keyOf(g));
            Client c = new Client(clients.size(), g);
            clients.add(c);
            finalRead(c, deadlineNs, unread);
        }
    }

    private void finalRead(Client c, long deadlineNs, List<String> unread) {
        if (scheduler.nowNs() > deadlineNs) {
            return;
        }
        read(c, 0, Level.LINEARIZABLE, ok -> {
            if (ok) {
                unread.remove(keyOf(c.group));
            } else {
                scheduler.after(20_000_000L, () -> finalRead(c, deadlineNs, unread));
            }
        });
    }

    /** Every replica's whole log of every partition, read once the cluster settled. */
    List<ReplicaLog> finalLogs(java.util.function.LongFunction<java.util.Set<Long>> votersOf) {
        List<ReplicaLog> out = new ArrayList<>();
        for (long g = 1; g <= partitions; g++) {
            for (long v : votersOf.apply(g)) {
                List<Object> values = readLocal(nodes[(int) v], g, 0);
                if (values != null) {
                    out.add(new ReplicaLog("n" + v, keyOf(g), values));
                }
            }
        }
        return out;
    }
}
