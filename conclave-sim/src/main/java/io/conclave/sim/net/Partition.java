package io.conclave.sim.net;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A shape of partition over nodes {@code 1..n}: which directed pairs can still talk. Built by the
 * named factories; applied with {@link Network#apply}.
 */
public final class Partition {

    private final String name;
    private final int n;
    private final boolean[][] reach;

    private Partition(String name, int n) {
        this.name = name;
        this.n = n;
        this.reach = new boolean[n + 1][n + 1];
    }

    public String name() {
        return name;
    }

    public boolean canReach(int from, int to) {
        return from == to || reach[from][to];
    }

    private void link(int a, int b) {
        reach[a][b] = true;
        reach[b][a] = true;
    }

    private static Partition components(String name, int n, List<SortedSet<Integer>> parts) {
        Partition p = new Partition(name, n);
        for (SortedSet<Integer> part : parts) {
            for (int a : part) {
                for (int b : part) {
                    p.reach[a][b] = true;
                }
            }
        }
        return p;
    }

    private static SortedSet<Integer> range(int lo, int hi) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int i = lo; i <= hi; i++) {
            s.add(i);
        }
        return s;
    }

    /** Node {@code node} cut off from everyone, both ways. */
    public static Partition isolate(int n, int node) {
        SortedSet<Integer> rest = range(1, n);
        rest.remove(node);
        return components("isolate-" + node, n, List.of(new TreeSet<>(List.of(node)), rest));
    }

    /** A clean split: {@code side} against everyone else. */
    public static Partition split(int n, SortedSet<Integer> side) {
        SortedSet<Integer> rest = range(1, n);
        rest.removeAll(side);
        return components("split-" + side, n, List.of(side, rest));
    }

    /**
     * A bridge: two halves that cannot talk, and one node (the bridge) that talks to both, so two
     * overlapping majorities exist.
     */
    public static Partition bridge(int n, int bridgeNode) {
        List<Integer> others = new ArrayList<>(range(1, n));
        others.remove(Integer.valueOf(bridgeNode));
        int half = others.size() / 2;
        SortedSet<Integer> left = new TreeSet<>(others.subList(0, half));
        SortedSet<Integer> right = new TreeSet<>(others.subList(half, others.size()));
        left.add(bridgeNode);
        right.add(bridgeNode);
        return components("bridge-" + bridgeNode, n, List.of(left, right));
    }

    /** A ring: each node talks only to its two neighbours (overlapping majorities on five nodes). */
    public static Partition ring(int n, int[] order) {
        if (order.length != n) {
            throw new IllegalArgumentException("ring order must list all " + n + " nodes");
        }
        Partition p = new Partition("ring", n);
        for (int i = 0; i < n; i++) {
            p.link(order[i], order[(i + 1) % n]);
        }
        return p;
    }

    /** Everyone talks to everyone, except that {@code deaf} does not hear {@code speaker}. */
    public static Partition oneWay(int n, int speaker, int deaf) {
        Partition p = components("oneway-" + speaker + "-x->" + deaf, n, List.of(range(1, n)));
        p.reach[speaker][deaf] = false;
        return p;
    }

    /** A single link cut both ways. */
    public static Partition cutLink(int n, int a, int b) {
        Partition p = components("cut-" + a + "-" + b, n, List.of(range(1, n)));
        p.reach[a][b] = false;
        p.reach[b][a] = false;
        return p;
    }

    @Override
    public String toString() {
        return name;
    }

    int size() {
        return n;
    }
}
