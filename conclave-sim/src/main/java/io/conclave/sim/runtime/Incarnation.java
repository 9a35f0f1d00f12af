package io.conclave.sim.runtime;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.node.NodeAssembly;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.Trace;
import io.conclave.storage.engine.StorageEngine;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One life of a simulated node: the runtime {@link NodeAssembly} built for it, its state machine, and
 * how its agents are stepped from the scheduler — every timer resolution, at once when work arrives
 * ({@link #kick}, coalesced), and when a WAL group commit's fsync completes. All of it is lost in a
 * crash. Scheduler thread only.
 */
final class Incarnation {

    private static final int ROUNDS_PER_STEP_MAX = 64;

    final NodeAssembly parts;
    final RegisterMachine machine;
    final DataPlane dataPlane; // null in register mode
    /** A full disk or read errors were injected during this life: storage may be left needing a reopen. */
    boolean diskFaultSeen;
    private final List<EventLoop> loops;
    private final List<Applier> appliers;
    private final Scheduler scheduler;
    private final Trace trace;
    private final long nodeId;
    private final LongSupplier fsyncLatencyNs;
    private final Predicate<Incarnation> stepIfCurrent;
    private boolean kickPending;
    private long walBatchAtNs = -1;

    /**
     * @param fsyncLatencyNs draws how long the next WAL group commit's fsync takes
     * @param stepIfCurrent steps this life if it is still the node's current one; false when it is not
     */
    Incarnation(NodeAssembly parts, RegisterMachine machine, DataPlane dataPlane, Scheduler scheduler, Trace trace,
                long nodeId, LongSupplier fsyncLatencyNs, Predicate<Incarnation> stepIfCurrent) {
        this.parts = parts;
        this.machine = machine;
        this.dataPlane = dataPlane;
        this.loops = parts.loops();
        this.appliers = parts.appliers();
        this.scheduler = scheduler;
        this.trace = trace;
        this.nodeId = nodeId;
        this.fsyncLatencyNs = fsyncLatencyNs;
        this.stepIfCurrent = stepIfCurrent;
    }

    StorageEngine engine() {
        return parts.engine();
    }

    long incarnation() {
        return parts.meta().incarnation();
    }

    /** Steps the agents every timer resolution ({@code periodNs}) for as long as this life lasts. */
    void schedulePeriodic(long periodNs) {
        scheduler.after(periodNs, () -> {
            if (stepIfCurrent.test(this)) {
                schedulePeriodic(periodNs);
            }
        });
    }

    /** Steps the agents at the current instant (coalesced: one pending kick at a time). */
    void kick() {
        if (!kickPending) {
            kickPending = true;
            scheduler.after(0, () -> {
                kickPending = false;
                stepIfCurrent.test(this);
            });
        }
    }

    /**
     * Runs the loops, appliers and WAL writer in rounds at {@code clockNs} (the node's clock) until
     * none has work or {@code current} says this life ended, then the housekeeper once.
     */
    void runAgents(long clockNs, Predicate<Incarnation> current) {
        for (int round = 0; round < ROUNDS_PER_STEP_MAX; round++) {
            int work = 0;
            for (EventLoop l : loops) {
                work += l.doWork(clockNs);
            }
            for (Applier a : appliers) {
                work += a.doWork(clockNs);
            }
            work += walStep();
            if (!current.test(this) || work == 0) {
                break;
            }
        }
        if (current.test(this)) {
            engine().housekeeperAgent().doWork();
        }
    }

    /** One WAL group commit, once the fsync latency drawn when work reached the writer has passed. */
    private int walStep() {
        if (!engine().walAgent().hasWork()) {
            return 0;
        }
        long now = scheduler.nowNs();
        if (walBatchAtNs < 0) {
            walBatchAtNs = now + fsyncLatencyNs.getAsLong();
            scheduler.at(walBatchAtNs, () -> stepIfCurrent.test(this));
            return 0;
        }
        if (now < walBatchAtNs) {
            return 0;
        }
        walBatchAtNs = -1;
        int n = engine().walAgent().doWork();
        trace.record(now, "wal.batch", nodeId, n, 0, 0);
        return n;
    }
}
