package io.conclave.sim.clock;

/**
 * A node's local clock as a piecewise-linear function of virtual time: from a base point
 * (virtual, local) it advances at {@code 1 + drift} local ns per virtual ns. Changing the drift or
 * bumping the clock starts a new piece at the current virtual time, so the function stays
 * continuous except at bumps.
 */
public final class NodeClock {

    /** Drift is kept within this bound so the clock always moves forward. */
    public static final double DRIFT_ABS_MAX = 0.5;

    private long baseVirtualNs;
    private long baseLocalNs;
    private double drift;
    private long bumps;

    public NodeClock(long offsetNs, double drift) {
        checkDrift(drift);
        this.baseVirtualNs = 0;
        this.baseLocalNs = offsetNs;
        this.drift = drift;
    }

    private static void checkDrift(double drift) {
        if (!(Math.abs(drift) <= DRIFT_ABS_MAX)) {
            throw new IllegalArgumentException("drift must be within ±" + DRIFT_ABS_MAX + ", was " + drift);
        }
    }

    /** The local time at virtual time {@code virtualNs} (not before the current piece's base). */
    public long localNs(long virtualNs) {
        return baseLocalNs + (long) ((virtualNs - baseVirtualNs) * (1 + drift));
    }

    /** The earliest virtual time at or after {@code fromVirtualNs} when the local clock reads {@code localNs}. */
    public long virtualNsAt(long localNs, long fromVirtualNs) {
        long v = baseVirtualNs + (long) Math.ceil((localNs - baseLocalNs) / (1 + drift));
        return Math.max(v, fromVirtualNs);
    }

    public double drift() {
        return drift;
    }

    public long bumps() {
        return bumps;
    }

    /** Changes the rate from {@code nowNs} on. */
    public void setDrift(long nowNs, double newDrift) {
        checkDrift(newDrift);
        rebase(nowNs);
        drift = newDrift;
    }

    /** Jumps the local clock by {@code deltaNs} (either sign) at {@code nowNs}. */
    public void bump(long nowNs, long deltaNs) {
        rebase(nowNs);
        baseLocalNs += deltaNs;
        bumps++;
    }

    private void rebase(long nowNs) {
        baseLocalNs = localNs(nowNs);
        baseVirtualNs = nowNs;
    }
}
