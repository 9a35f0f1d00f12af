package io.conclave.sim.runtime;

import io.conclave.multiraft.time.Clock;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.Trace;

/**
 * A simulated machine's two clocks, read from the scheduler's time: the monotonic clock the runtime
 * times everything by (loops, liveness, storage housekeeping), which clock faults can make drift or
 * jump forward but never go back, and the wall clock record timestamps read, which they can also
 * step back and strobe. Scheduler thread only.
 */
final class RuntimeClock implements Clock {

    private static final long ORIGIN_NS = 1_000_000_000L;

    private final long nodeId;
    private final Scheduler scheduler;
    private final Trace trace;
    private long baseNs = ORIGIN_NS;
    private long simBaseNs;
    private double rate = 1.0;
    private long wallOffsetNs;

    RuntimeClock(long nodeId, Scheduler scheduler, Trace trace) {
        this.nodeId = nodeId;
        this.scheduler = scheduler;
        this.trace = trace;
    }

    /** The monotonic clock: the scheduler's time from an origin, running at {@link #setRate}. */
    @Override
    public long nowNs() {
        return baseNs + (long) ((scheduler.nowNs() - simBaseNs) * rate);
    }

    /**
     * The wall clock (what record timestamps read): the monotonic clock plus an offset that clock
     * faults move forward and back. Nothing of the runtime's timing reads it.
     */
    long wallMs() {
        return (nowNs() + wallOffsetNs) / 1_000_000L;
    }

    /**
     * The simulated wall clock's milliseconds since the simulation began: a node's first life is
     * incarnation 1 as before, and a wiped node's next one is above the lives it had — also when a
     * clock fault set the wall clock back by more than the run has lasted ({@link #incarnationsAbove}).
     */
    @Override
    public long incarnationFloor() {
        return Math.max(incarnationFloorMin, (nowNs() - ORIGIN_NS + wallOffsetNs) / 1_000_000L);
    }

    private long incarnationFloorMin;

    /**
     * From now on, new incarnations are above {@code incarnation} (called when the node's disk is replaced).
     * A run lasts seconds while wall-clock steps reach minutes, so a step back could take a wiped node's
     * clock behind its own first start and reuse an incarnation — which the controller refuses to
     * register (not newer) and the rejoin protocol reads as the old life's. A disk replaced in production
     * comes long after the node's first start, far more than a clock step; a clock wrong by more than
     * that is outside this fault model (docs/simulation.md).
     */
    void incarnationsAbove(long incarnation) {
        incarnationFloorMin = Math.max(incarnationFloorMin, incarnation + 1);
    }

    /** Moves the wall clock by {@code deltaNs} (either way): an NTP step, a strobing clock. */
    void bumpWall(long deltaNs) {
        wallOffsetNs += deltaNs;
        trace.record(scheduler.nowNs(), "node.wall-bump", nodeId, deltaNs, 0, 0);
    }

    void resetWall() {
        wallOffsetNs = 0;
    }

    /**
     * Jumps the monotonic clock forward by {@code deltaNs} (a VM that was suspended, a stalled
     * hypervisor): every timer of the node finds that much time gone at its next step. A monotonic
     * clock never goes back, so backward bumps are the wall clock's ({@link #bumpWall}).
     */
    void bump(long deltaNs) {
        if (deltaNs < 0) {
            throw new IllegalArgumentException("the monotonic clock never goes back: " + deltaNs);
        }
        baseNs = nowNs() + deltaNs;
        simBaseNs = scheduler.nowNs();
        trace.record(scheduler.nowNs(), "node.clock-bump", nodeId, deltaNs, 0, 0);
    }

    /** The clock runs at {@code rate} (in (0, 2]) times real time from now on; it never goes back. */
    void setRate(double rate) {
        if (!(rate > 0 && rate <= 2)) {
            throw new IllegalArgumentException("clock rate must be in (0, 2]: " + rate);
        }
        baseNs = nowNs();
        simBaseNs = scheduler.nowNs();
        this.rate = rate;
        trace.record(scheduler.nowNs(), "node.clock-rate", nodeId, (long) (rate * 1000), 0, 0);
    }
}
