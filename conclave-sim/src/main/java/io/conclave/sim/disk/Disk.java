package io.conclave.sim.disk;

import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's disk as a group-commit fsync pipeline: writes queue; when no fsync is running one
 * starts and covers everything queued so far; when it completes each covered write is synced and its
 * callback runs. One fsync per batch whatever the number of groups in it. A crash ({@link #reset})
 * abandons the queue and the running fsync.
 */
public final class Disk {

    private final Scheduler scheduler;
    private final SimRandom random;
    private DiskConfig config;
    private final List<Write> queued = new ArrayList<>();
    private boolean syncing;
    private long generation;
    private long fsyncs;
    private double slowFactor = 1;

    /** A write waiting for an fsync: which storage, up to which mark, and what to run after. */
    public record Write(SimStorage storage, long mark, Runnable onDurable) {
    }

    public Disk(Scheduler scheduler, SimRandom random, DiskConfig config) {
        this.scheduler = scheduler;
        this.random = random;
        this.config = config.validate();
    }

    public long fsyncs() {
        return fsyncs;
    }

    /** Multiplies fsync latency (a slow or overloaded disk); 1 is normal. */
    public void setSlowFactor(double factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("slow factor must be >= 1, was " + factor);
        }
        this.slowFactor = factor;
    }

    public void submit(Write w) {
        queued.add(w);
        if (!syncing) {
            startSync();
        }
    }

    private void startSync() {
        List<Write> batch = new ArrayList<>(queued);
        queued.clear();
        syncing = true;
        long gen = generation;
        long latency = (long) ((config.fsyncNsMin() + random.exponential(config.fsyncNsMeanExtra())) * slowFactor);
        scheduler.after(latency, () -> complete(gen, batch));
    }

    private void complete(long gen, List<Write> batch) {
        if (gen != generation) {
            return;
        }
        fsyncs++;
        syncing = false;
        for (Write w : batch) {
            w.storage().sync(w.mark());
        }
        for (Write w : batch) {
            w.onDurable().run();
        }
        if (!queued.isEmpty() && !syncing) {
            startSync();
        }
    }

    /** The process crashed: queued and in-progress writes never complete. */
    public void reset() {
        generation++;
        queued.clear();
        syncing = false;
    }
}
