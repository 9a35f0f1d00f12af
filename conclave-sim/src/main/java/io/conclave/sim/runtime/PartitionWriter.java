package io.conclave.sim.runtime;

import io.conclave.multiraft.replica.Replica;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes to the partition groups the reconcilers created ({@link PartitionGroups}): every
 * {@link #INTERVAL_NS} (on average) one proposal to the replica that leads a partition drawn from
 * those known with two replicas or more ({@link PartitionGroups#writableIds}), at most {@link #IN_FLIGHT_MAX} unanswered at a time. A proposal answered with its index
 * (applied on the leader) is told to the {@link Oracle} as acknowledged, so the end-of-run check
 * {@code acknowledged-survives} covers the partition groups, and every replica's applies of them pass
 * the oracle's state-machine-safety check. Its own random stream; scheduler thread only.
 */
final class PartitionWriter {

    static final long INTERVAL_NS = 20_000_000L;
    static final int IN_FLIGHT_MAX = 16;

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final RuntimeNode[] nodes;
    private final PartitionGroups groups;
    private final Oracle oracle;
    private int inFlight;
    private long written;
    private long acknowledged;
    private boolean stopped;

    PartitionWriter(Scheduler scheduler, SimRandom random, Trace trace, RuntimeNode[] nodes, PartitionGroups groups,
                    Oracle oracle) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.nodes = nodes;
        this.groups = groups;
        this.oracle = oracle;
    }

    void start() {
        scheduler.after(random.exponential(INTERVAL_NS), this::next);
    }

    void stop() {
        stopped = true;
    }

    long acknowledged() {
        return acknowledged;
    }

    private void next() {
        if (stopped) {
            return;
        }
        List<Long> known = groups.writableIds();
        if (!known.isEmpty() && inFlight < IN_FLIGHT_MAX) {
            write(known.get(random.nextInt(known.size())));
        }
        scheduler.after(random.exponential(INTERVAL_NS), this::next);
    }

    private void write(long group) {
        for (int n = 1; n < nodes.length; n++) {
            Replica r = nodes[n].replica(group);
            if (r == null || !r.raft().isLeader() || nodes[n].isPaused()) {
                continue;
            }
            byte[] data = ("p" + group + "/" + (++written)).getBytes(StandardCharsets.UTF_8);
            CompletableFuture<Long> f = nodes[n].propose(group, data);
            if (f == null) {
                return;
            }
            inFlight++;
            f.whenComplete((index, error) -> scheduler.after(0, () -> {
                inFlight--;
                if (error == null) {
                    acknowledged++;
                    oracle.onAcknowledged(group, index);
                    trace.record(scheduler.nowNs(), "client.partition-write", group, index, 0, 0);
                }
            }));
            return;
        }
    }
}
