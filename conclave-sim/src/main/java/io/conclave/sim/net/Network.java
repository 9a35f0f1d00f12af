package io.conclave.sim.net;

import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * A virtual network of nodes {@code 1..n}. A packet sent on a cut link is dropped, at send time and
 * again at arrival (a partition also drops what was in flight); a packet on a clogged link is held
 * until the link is unclogged. Cuts are directed, so asymmetric partitions are one call.
 */
public final class Network {

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final int n;
    private final int[] rackOf;
    private final boolean[][] cut;
    private final boolean[][] clogged;
    private final List<Held> held = new ArrayList<>();
    private NetConfig config;
    private Receiver receiver;
    private long sent;
    private long dropped;
    private long duplicated;

    private record Held(int from, int to, Object payload) {
    }

    /** @param rackOf the rack of each node, indexed by node id (index 0 unused) */
    public Network(Scheduler scheduler, SimRandom random, Trace trace, NetConfig config, int[] rackOf) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.config = config.validate();
        this.n = rackOf.length - 1;
        this.rackOf = rackOf.clone();
        this.cut = new boolean[n + 1][n + 1];
        this.clogged = new boolean[n + 1][n + 1];
    }

    public void setReceiver(Receiver receiver) {
        this.receiver = receiver;
    }

    public int size() {
        return n;
    }

    public NetConfig config() {
        return config;
    }

    public void setConfig(NetConfig config) {
        this.config = config.validate();
    }

    public long sent() {
        return sent;
    }

    public long dropped() {
        return dropped;
    }

    public long duplicated() {
        return duplicated;
    }

    /** Sends {@code payload} from {@code from} to {@code to}; {@code kind} is a short tag for the trace. */
    public void send(int from, int to, Object payload, long tag) {
        checkNode(from);
        checkNode(to);
        sent++;
        if (cut[from][to] || random.chance(config.lossRate())) {
            dropped++;
            trace.record(scheduler.nowNs(), "net.drop", from, to, tag, 0);
            return;
        }
        if (clogged[from][to]) {
            held.add(new Held(from, to, payload));
            return;
        }
        schedule(from, to, payload, tag);
        if (random.chance(config.duplicateRate())) {
            duplicated++;
            schedule(from, to, payload, tag);
        }
    }

    private void schedule(int from, int to, Object payload, long tag) {
        long delay = latencyNs(from, to);
        scheduler.after(delay, () -> arrive(from, to, payload, tag));
    }

    private void arrive(int from, int to, Object payload, long tag) {
        if (cut[from][to]) {
            dropped++;
            trace.record(scheduler.nowNs(), "net.drop", from, to, tag, 1);
            return;
        }
        if (clogged[from][to]) {
            held.add(new Held(from, to, payload));
            return;
        }
        trace.record(scheduler.nowNs(), "net.deliver", from, to, tag, 0);
        receiver.deliver(from, to, payload);
    }

    long latencyNs(int from, int to) {
        boolean sameRack = rackOf[from] == rackOf[to];
        long min = sameRack ? config.latencyNsMin() : config.interRackLatencyNsMin();
        long extra = sameRack ? config.latencyNsMeanExtra() : config.interRackLatencyNsMeanExtra();
        long d = min + random.exponential(extra);
        if (random.chance(config.reorderRate())) {
            d += random.between(0, config.reorderNsMax());
        }
        return d;
    }

    private void checkNode(int id) {
        if (id < 1 || id > n) {
            throw new IllegalArgumentException("no node " + id + " in a network of " + n);
        }
    }

    // ---- partitions ----

    /** Cuts the directed link from → to (from's packets no longer reach to). */
    public void cutOneWay(int from, int to) {
        checkNode(from);
        checkNode(to);
        cut[from][to] = true;
    }

    public void cutBoth(int a, int b) {
        cutOneWay(a, b);
        cutOneWay(b, a);
    }

    public boolean isCut(int from, int to) {
        return cut[from][to];
    }

    /** Applies a partition: every directed pair it separates is cut (existing cuts stay). */
    public void apply(Partition p) {
        for (int a = 1; a <= n; a++) {
            for (int b = 1; b <= n; b++) {
                if (a != b && !p.canReach(a, b)) {
                    cut[a][b] = true;
                }
            }
        }
    }

    /** Removes every cut. */
    public void healCuts() {
        for (boolean[] row : cut) {
            java.util.Arrays.fill(row, false);
        }
    }

    public boolean anyCut() {
        for (boolean[] row : cut) {
            for (boolean c : row) {
                if (c) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- clogging ----

    public void clog(int from, int to) {
        checkNode(from);
        checkNode(to);
        clogged[from][to] = true;
    }

    public boolean isClogged(int from, int to) {
        return clogged[from][to];
    }

    /** Unclogs every link and sends on what they held, each with a fresh latency. */
    public void unclogAll() {
        for (boolean[] row : clogged) {
            java.util.Arrays.fill(row, false);
        }
        List<Held> release = new ArrayList<>(held);
        held.clear();
        for (Held h : release) {
            schedule(h.from, h.to, h.payload, 0);
        }
    }

    public int heldPackets() {
        return held.size();
    }
}
