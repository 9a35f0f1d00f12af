package io.conclave.sim.core;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A running 64-bit FNV-1a hash of everything that happened in a run: deliveries, ticks, crashes,
 * restarts, faults and client operations. Two runs of the same seed and code give the same hash;
 * when they do not, {@link #echoTo} prints the canonical text of each event so the first
 * divergence can be found with {@code diff}.
 */
public final class Trace {

    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private long hash = OFFSET;
    private long events;
    private PrintStream echo;

    /** Prints every recorded event as a line of text (for diffing two runs). */
    public void echoTo(PrintStream out) {
        this.echo = out;
    }

    public static long fnv(String s) {
        long h = OFFSET;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            h ^= (x & 0xff);
            h *= PRIME;
        }
        return h;
    }

    private void mixLong(long v) {
        for (int i = 0; i < 8; i++) {
            hash ^= (v >>> (i * 8)) & 0xff;
            hash *= PRIME;
        }
    }

    /** Records one event: its kind, the virtual time and up to a few numeric fields. */
    public void record(long nowNs, String kind, long a, long b, long c, long d) {
        events++;
        mixLong(nowNs);
        mixLong(fnv(kind));
        mixLong(a);
        mixLong(b);
        mixLong(c);
        mixLong(d);
        if (echo != null) {
            echo.println(nowNs + " " + kind + " " + a + " " + b + " " + c + " " + d);
        }
    }

    public void record(long nowNs, String kind, long a, long b) {
        record(nowNs, kind, a, b, 0, 0);
    }

    public long hash() {
        return hash;
    }

    public long events() {
        return events;
    }

    public String hashHex() {
        return String.format("%016x", hash);
    }
}
