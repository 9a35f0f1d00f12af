package io.conclave.transport.fault;

import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Network faults for integration tests over the real transport: isolate a node, cut a directed
 * link, delay a link, drop a fraction of a link's messages, heal. One injector may be shared by
 * every transport of a test cluster, or each node may have its own.
 *
 * <p>Where rules apply: drops (isolation, cut links, random loss) are checked when a message is
 * sent and again when a frame is received, so a rule held by either end takes effect — an isolated
 * node neither sends nor accepts anything, even from a peer whose injector does not know. Delay
 * and random loss are applied at send only, so that a shared injector does not apply them twice.
 * Random loss draws from one seeded {@link Random}; which messages it drops depends on the order in
 * which threads ask, so a run is reproducible in its rate, not message for message.
 *
 * <p>Thread-safe; called by every sending and receiving thread of the transports that hold it.
 * The real system is tested with faults here, the simulator has its own network.
 */
public final class FaultInjector {

    /** A directed link between two nodes. */
    public record Link(long from, long to) {
    }

    /** What to do with a message on a link: deliver it (after {@code delayMs}, if positive) or drop it. */
    public record Verdict(boolean drop, long delayMs) {

        public static final Verdict PASS = new Verdict(false, 0);
        public static final Verdict DROP = new Verdict(true, 0);
    }

    private final Set<Long> isolated = ConcurrentHashMap.newKeySet();
    private final Set<Link> cut = ConcurrentHashMap.newKeySet();
    private final Map<Link, Long> delaysMs = new ConcurrentHashMap<>();
    private final Map<Link, Double> lossFractions = new ConcurrentHashMap<>();
    private final Random random;
    private final AtomicLong droppedOnSend = new AtomicLong();
    private final AtomicLong droppedOnReceive = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private volatile boolean active;

    public FaultInjector(long seed) {
        this.random = new Random(seed);
    }

    /** Drops all traffic to and from {@code node}. */
    public void isolate(long node) {
        isolated.add(node);
        active = true;
    }

    /** Drops everything {@code from} sends to {@code to}; the other direction is untouched. */
    public void cut(long from, long to) {
        cut.add(new Link(from, to));
        active = true;
    }

    /** Cuts both directions between every node of {@code side} and every node of {@code other}. */
    public void partition(Set<Long> side, Set<Long> other) {
        for (long a : side) {
            for (long b : other) {
                cut(a, b);
                cut(b, a);
            }
        }
    }

    /** Holds every message {@code from} sends to {@code to} for {@code delayMs} before it is queued. */
    public void delay(long from, long to, long delayMs) {
        if (delayMs < 0) {
            throw new IllegalArgumentException("delayMs must be >= 0: " + delayMs);
        }
        delaysMs.put(new Link(from, to), delayMs);
        active = true;
    }

    /** Drops each message {@code from} sends to {@code to} with probability {@code fraction}. */
    public void dropFraction(long from, long to, double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1]: " + fraction);
        }
        lossFractions.put(new Link(from, to), fraction);
        active = true;
    }

    /** Removes every rule. */
    public void heal() {
        active = false;
        isolated.clear();
        cut.clear();
        delaysMs.clear();
        lossFractions.clear();
    }

    /** Removes the rules on the directed link {@code from → to}. */
    public void heal(long from, long to) {
        Link link = new Link(from, to);
        cut.remove(link);
        delaysMs.remove(link);
        lossFractions.remove(link);
    }

    /** Ends the isolation of {@code node}. */
    public void rejoin(long node) {
        isolated.remove(node);
    }

    /** Decides the fate of one message {@code from → to} as it is sent. */
    public Verdict onSend(long from, long to) {
        if (!active) {
            return Verdict.PASS;
        }
        if (blocked(from, to) || lost(from, to)) {
            droppedOnSend.incrementAndGet();
            return Verdict.DROP;
        }
        Long delayMs = delaysMs.get(new Link(from, to));
        if (delayMs != null && delayMs > 0) {
            delayed.incrementAndGet();
            return new Verdict(false, delayMs);
        }
        return Verdict.PASS;
    }

    /** Whether a frame {@code from → to} is dropped as it is received (isolation and cuts only). */
    public boolean dropsOnReceive(long from, long to) {
        if (active && blocked(from, to)) {
            droppedOnReceive.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Messages dropped at send so far. */
    public long droppedOnSend() {
        return droppedOnSend.get();
    }

    /** Frames dropped at receive so far. */
    public long droppedOnReceive() {
        return droppedOnReceive.get();
    }

    /** Messages delayed so far. */
    public long delayed() {
        return delayed.get();
    }

    private boolean blocked(long from, long to) {
        return isolated.contains(from) || isolated.contains(to) || cut.contains(new Link(from, to));
    }

    private boolean lost(long from, long to) {
        Double fraction = lossFractions.get(new Link(from, to));
        if (fraction == null || fraction == 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < fraction;
        }
    }
}
