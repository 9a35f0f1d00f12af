package io.conclave.sim.core;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Runs events in order of (virtual time, sequence number). Virtual time jumps to the next event; two
 * events at the same instant run in the order they were scheduled, so a run is a function of its seed.
 * Not thread-safe: the simulation has one thread.
 */
public final class Scheduler {

    private final PriorityQueue<Event> queue = new PriorityQueue<>(Scheduler::compare);
    private final long eventsMax;
    private long nowNs;
    private long seq;
    private long eventsRun;

    /** @param eventsMax a bound on the events of one run; exceeding it is a bug in the run (a livelock) */
    public Scheduler(long eventsMax) {
        if (eventsMax <= 0) {
            throw new IllegalArgumentException("eventsMax must be > 0, was " + eventsMax);
        }
        this.eventsMax = eventsMax;
    }

    private record Event(long atNs, long seq, Runnable action) {
    }

    private static int compare(Event a, Event b) {
        int c = Long.compare(a.atNs, b.atNs);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    }

    public long nowNs() {
        return nowNs;
    }

    public long eventsRun() {
        return eventsRun;
    }

    public int pending() {
        return queue.size();
    }

    /** Schedules {@code action} at virtual time {@code atNs}, which must not be in the past. */
    public void at(long atNs, Runnable action) {
        if (atNs < nowNs) {
            throw new IllegalArgumentException("cannot schedule in the past: " + atNs + " < now " + nowNs);
        }
        queue.add(new Event(atNs, seq++, action));
    }

    /** Schedules {@code action} {@code delayNs} (>= 0) from now. */
    public void after(long delayNs, Runnable action) {
        if (delayNs < 0) {
            throw new IllegalArgumentException("negative delay " + delayNs);
        }
        at(nowNs + delayNs, action);
    }

    /** Runs the next event; returns false when there is none. */
    public boolean runNext() {
        Event e = queue.poll();
        if (e == null) {
            return false;
        }
        if (++eventsRun > eventsMax) {
            throw new IllegalStateException("run exceeded " + eventsMax + " events at t=" + nowNs + "ns");
        }
        nowNs = e.atNs;
        e.action.run();
        return true;
    }

    /** Runs every event up to and including {@code endNs}, then sets the time to {@code endNs}. */
    public void runUntil(long endNs) {
        while (!queue.isEmpty() && queue.peek().atNs <= endNs) {
            runNext();
        }
        if (endNs > nowNs) {
            nowNs = endNs;
        }
    }

    /**
     * Runs events until {@code done} holds (checked after each event) or time would pass
     * {@code limitNs}; returns whether {@code done} holds.
     */
    public boolean runUntil(BooleanSupplier done, long limitNs) {
        while (!done.getAsBoolean()) {
            Event next = queue.peek();
            if (next == null || next.atNs > limitNs) {
                if (limitNs > nowNs) {
                    nowNs = limitNs;
                }
                return done.getAsBoolean();
            }
            runNext();
        }
        return true;
    }
}
