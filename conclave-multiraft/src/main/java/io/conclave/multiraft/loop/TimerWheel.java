package io.conclave.multiraft.loop;

/**
 * A hashed timer wheel owned by one event loop: intrusive timers (the owner embeds them, nothing is
 * allocated per schedule), {@code slotCount} slots of {@code resolutionNs}. A timer fires in the
 * first {@link #expire} whose time has reached its deadline's slot; timers further away than one
 * turn stay in their slot until their turn comes. After a long stall every slot is visited once.
 * Not thread-safe: the owning loop's thread only.
 */
public final class TimerWheel {

    /** A schedulable timer; subclass it and embed it in the object it times. */
    public abstract static class Timer {
        private long deadlineTick;
        private Timer next;
        private Timer prev;
        private int slot = -1;

        /** Called by {@link #expire} on the loop thread; may schedule this or other timers again. */
        protected abstract void onExpire(long nowNs);

        public final boolean isScheduled() {
            return slot >= 0;
        }
    }

    private final Timer[] heads;
    private final int mask;
    private final long resolutionNs;
    private long cursorTick;
    private int scheduled;

    public TimerWheel(int slotCount, long resolutionNs, long startNs) {
        if (Integer.bitCount(slotCount) != 1 || slotCount < 2) {
            throw new IllegalArgumentException("slotCount must be a power of two >= 2: " + slotCount);
        }
        if (resolutionNs < 1) {
            throw new IllegalArgumentException("resolutionNs must be >= 1: " + resolutionNs);
        }
        this.heads = new Timer[slotCount];
        this.mask = slotCount - 1;
        this.resolutionNs = resolutionNs;
        this.cursorTick = Math.floorDiv(startNs, resolutionNs);
    }

    /** Schedules (or moves) {@code t} to fire at {@code deadlineNs}; a past deadline fires at the next expire. */
    public void schedule(Timer t, long deadlineNs) {
        cancel(t);
        long tick = Math.max(Math.floorDiv(deadlineNs, resolutionNs), cursorTick);
        int s = (int) (tick & mask);
        t.deadlineTick = tick;
        t.slot = s;
        t.prev = null;
        t.next = heads[s];
        if (heads[s] != null) {
            heads[s].prev = t;
        }
        heads[s] = t;
        scheduled++;
    }

    public void cancel(Timer t) {
        if (t.slot < 0) {
            return;
        }
        if (t.prev != null) {
            t.prev.next = t.next;
        } else {
            heads[t.slot] = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        }
        t.next = null;
        t.prev = null;
        t.slot = -1;
        scheduled--;
    }

    /** Fires every timer due by {@code nowNs}; returns how many fired. */
    public int expire(long nowNs) {
        long nowTick = Math.floorDiv(nowNs, resolutionNs);
        if (nowTick < cursorTick) {
            return 0;
        }
        long steps = Math.min(nowTick - cursorTick + 1, heads.length);
        long first = cursorTick;
        cursorTick = nowTick + 1; // timers scheduled while firing land in a later slot
        int fired = 0;
        for (long i = 0; i < steps; i++) {
            fired += fireSlot((int) ((first + i) & mask), nowTick, nowNs);
        }
        return fired;
    }

    private int fireSlot(int s, long nowTick, long nowNs) {
        Timer t = heads[s];
        int fired = 0;
        while (t != null) {
            Timer next = t.next;
            if (t.deadlineTick <= nowTick) {
                cancel(t);
                fired++;
                t.onExpire(nowNs);
            }
            t = next != null && next.slot == s ? next : (next == null ? null : heads[s]);
        }
        return fired;
    }

    /**
     * Nanoseconds from {@code nowNs} to the start of the first slot, from the cursor on, that holds a
     * timer — an early answer when that slot's timers belong to a later turn, never a late one — or
     * {@code maxNs} when no slot within {@code maxNs} holds one. 0 when a timer is already due.
     * Visits at most one turn of slots.
     */
    public long nanosUntilNextTimer(long nowNs, long maxNs) {
        if (scheduled == 0) {
            return maxNs;
        }
        long nowTick = Math.floorDiv(nowNs, resolutionNs);
        long slotsMax = Math.min(heads.length, maxNs / resolutionNs + 1);
        for (long i = 0; i < slotsMax; i++) {
            long tick = cursorTick + i;
            if (heads[(int) (tick & mask)] != null) {
                return tick <= nowTick ? 0 : Math.min(maxNs, tick * resolutionNs - nowNs);
            }
        }
        return maxNs;
    }

    /** Timers currently scheduled. */
    public int size() {
        return scheduled;
    }

    public long resolutionNs() {
        return resolutionNs;
    }
}
