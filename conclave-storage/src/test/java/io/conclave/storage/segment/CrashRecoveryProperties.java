package io.conclave.storage.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskFullException;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.state.HardStateFile;
import io.conclave.storage.state.StateFileException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Random histories of appends, conflicting appends, suffix truncations, snapshot resets, prefix
 * compactions, retention, syncs, clean reopens and hard state saves on a {@link SegmentLog} over a
 * {@link SimDisk}; then power loss (between operations, or in the middle of one); then recovery. Checks
 * that every synced entry the caller did not later drop is there with its exact bytes, that nothing that
 * was never appended is served, that a crash alone never makes the log corrupt, and that the hard state is
 * the last saved one or the one being saved.
 */
class CrashRecoveryProperties {

    static final SegmentConfig CONFIG = new SegmentConfig(600, 64, 1 << 16, 48,
            new RetentionPolicy(1500, Long.MAX_VALUE));

    sealed interface Op {
    }

    record Append(int count, int size) implements Op {
    }

    record Conflict(int back, int count, int size) implements Op {
    }

    record Truncate(int back) implements Op {
    }

    record Compact(int percent) implements Op {
    }

    record Retain(int percent) implements Op {
    }

    record Reset(int jump) implements Op {
    }

    record Sync() implements Op {
    }

    record SaveHardState() implements Op {
    }

    record Reopen() implements Op {
    }

    /** The disk fills up: capacity becomes what is used plus {@code slackBytes}. */
    record Fill(int slackBytes) implements Op {
    }

    record Free() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Integer> size = Arbitraries.integers().between(0, 120);
        Arbitrary<Op> append = Combinators.combine(Arbitraries.integers().between(1, 12), size).as(Append::new);
        Arbitrary<Op> conflict = Combinators.combine(Arbitraries.integers().between(0, 15),
                Arbitraries.integers().between(1, 6), size).as(Conflict::new);
        Arbitrary<Op> truncate = Arbitraries.integers().between(0, 20).map(Truncate::new);
        Arbitrary<Op> compact = Arbitraries.integers().between(0, 100).map(Compact::new);
        Arbitrary<Op> retain = Arbitraries.integers().between(0, 100).map(Retain::new);
        Arbitrary<Op> reset = Arbitraries.integers().between(-10, 30).map(Reset::new);
        Arbitrary<Op> fill = Arbitraries.integers().between(0, 3000).map(Fill::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(Tuple.of(30, append), Tuple.of(8, conflict), Tuple.of(4, truncate),
                Tuple.of(4, compact), Tuple.of(3, retain), Tuple.of(2, reset), Tuple.of(20, Arbitraries.just(new Sync())),
                Tuple.of(5, Arbitraries.just(new SaveHardState())), Tuple.of(2, Arbitraries.just(new Reopen())),
                Tuple.of(2, fill), Tuple.of(2, Arbitraries.just(new Free())));
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    /** What the test knows the log must and may hold. */
    static final class Model {
        final Map<Long, List<Entry>> appended = new HashMap<>();
        final TreeMap<Long, Entry> current = new TreeMap<>();
        TreeMap<Long, Entry> mustHave = new TreeMap<>();
        long firstIndex = 1;
        long lastIndexFloor;
        long resetBase = 1;
        long term = 1;
        long nowMs = 1_000;
        HardState savedHardState = HardState.EMPTY;
        HardState savingHardState;

        long lastIndex() {
            return current.isEmpty() ? firstIndex - 1 : current.lastKey();
        }

        void drop(long from) {
            current.tailMap(from, true).clear();
            mustHave.tailMap(from, true).clear();
            lastIndexFloor = Math.min(lastIndexFloor, from - 1);
        }

        void compact(long through) {
            current.headMap(through, true).clear();
            mustHave.headMap(through, true).clear();
        }

        List<Entry> entries(long from, int count, int size) {
            List<Entry> out = new ArrayList<>();
            for (long i = from; i < from + count; i++) {
                Entry e = new Entry(term, i, i % 5 == 0 ? EntryType.CONF_CHANGE : EntryType.NORMAL,
                        Entries.payload(term, i, 0, size));
                appended.computeIfAbsent(i, k -> new ArrayList<>()).add(e);
                out.add(e);
            }
            return out;
        }
    }

    @Property(tries = 300)
    void syncedEntriesSurviveACrashAndNothingElseIsServed(@ForAll("histories") List<Op> history,
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 400) int mutationsBeforePowerLoss,
            @ForAll boolean crashMidOperation) throws IOException {
        RecoveryReport r = runThenCrashThenVerify(history, seed, crashMidOperation ? mutationsBeforePowerLoss : -1,
                d -> d);
        Statistics.label("power").collect(crashMidOperation ? "cut inside the history (if reached)" : "cut at the end");
        Statistics.label("recovery").collect(r.truncatedTail() ? "torn tail cut" : "no torn tail",
                r.filesRemoved().isEmpty() ? "nothing removed" : "files removed");
    }

    @Test
    void theCheckCatchesALogOnADiskThatDropsFsyncs() throws IOException {
        List<Op> history = List.of(new Append(12, 30), new Sync(), new Append(30, 40), new Sync(), new SaveHardState());
        assertThat(failures(history, d -> new DroppingDisk(d, true, false))).isPositive();
        assertThat(failures(history, d -> new DroppingDisk(d, false, true))).isPositive();
        assertThat(failures(history, d -> d)).isZero();
    }

    @Test
    void theSameSeedLeavesTheSameBytesAfterACrash() throws IOException {
        List<Op> history = List.of(new Append(12, 30), new Sync(), new Append(30, 40), new Conflict(5, 3, 7),
                new Reset(4), new Append(9, 11), new SaveHardState(), new Append(3, 3));
        assertThat(crashedImage(history, 99)).isEqualTo(crashedImage(history, 99)).isNotEmpty();
    }

    /** Every file of the disk after running {@code history} and crashing, as path -> bytes (hex). */
    private static Map<String, String> crashedImage(List<Op> history, long seed) throws IOException {
        SimDisk disk = new SimDisk(seed);
        disk.powerOffAfter(60);
        Model m = new Model();
        try {
            SegmentLog log = SegmentLog.open(disk, "g/log", CONFIG);
            HardStateFile hs = new HardStateFile(disk, "g/state");
            for (Op op : history) {
                log = apply(op, log, hs, disk, disk, m);
            }
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("power loss");
        }
        SimDisk after = disk.crash();
        Map<String, String> image = new TreeMap<>();
        for (String dir : List.of("g/log", "g/state")) {
            for (String name : after.list(dir)) {
                try (var h = after.open(dir + "/" + name, io.conclave.storage.disk.OpenMode.READ)) {
                    byte[] b = new byte[(int) h.size()];
                    h.readFully(0, b, 0, b.length);
                    image.put(dir + "/" + name, java.util.HexFormat.of().formatHex(b));
                }
            }
        }
        return image;
    }

    private static int failures(List<Op> history, UnaryOperator<Disk> wrap) throws IOException {
        int failed = 0;
        for (long seed = 0; seed < 30; seed++) {
            try {
                runThenCrashThenVerify(history, seed, -1, wrap);
            } catch (AssertionError | StateFileException e) {
                failed++;
            }
        }
        return failed;
    }

    /** Runs the history on {@code wrap(disk)}, cuts the power, and checks what recovery finds on the disk. */
    static RecoveryReport runThenCrashThenVerify(List<Op> history, long seed, int mutationsBeforePowerLoss,
                                                 UnaryOperator<Disk> wrap) throws IOException {
        SimDisk disk = new SimDisk(seed);
        if (mutationsBeforePowerLoss >= 0) {
            disk.powerOffAfter(mutationsBeforePowerLoss);
        }
        Disk view = wrap.apply(disk);
        Model m = new Model();
        try {
            SegmentLog log = SegmentLog.open(view, "g/log", CONFIG);
            HardStateFile hs = new HardStateFile(view, "g/state");
            for (Op op : history) {
                log = apply(op, log, hs, view, disk, m);
            }
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("power loss");
        }
        return verify(disk.crash(), m);
    }

    private static SegmentLog apply(Op op, SegmentLog log, HardStateFile hs, Disk disk, SimDisk sim, Model m)
            throws IOException {
        m.nowMs += 10;
        if (op instanceof Append a) {
            appendOrFill(log, m.entries(m.lastIndex() + 1, a.count(), a.size()), 0, m);
        } else if (op instanceof Conflict c) {
            long from = Math.max(m.firstIndex, m.lastIndex() + 1 - c.back());
            m.term++;
            List<Entry> es = m.entries(from, c.count(), c.size());
            m.drop(from);
            appendOrFill(log, es, m.firstIndex - 1, m);
        } else if (op instanceof Fill f) {
            sim.setCapacityBytes(sim.usedBytes() + f.slackBytes());
        } else if (op instanceof Free) {
            sim.setCapacityBytes(Long.MAX_VALUE);
        } else if (op instanceof Truncate t) {
            long from = Math.max(m.firstIndex, m.lastIndex() + 1 - t.back());
            m.drop(from);
            log.truncateSuffix(from);
        } else if (op instanceof Compact c) {
            long through = m.firstIndex - 1 + (m.lastIndex() - m.firstIndex + 1) * c.percent() / 100;
            m.compact(through);
            log.compactPrefix(through);
            m.firstIndex = Math.max(m.firstIndex, through + 1);
        } else if (op instanceof Retain r) {
            long snapshot = m.firstIndex - 1 + (m.lastIndex() - m.firstIndex + 1) * r.percent() / 100;
            m.mustHave.headMap(snapshot, true).clear();
            log.applyRetention(m.nowMs, snapshot);
            m.firstIndex = log.firstIndex();
            m.current.headMap(m.firstIndex, false).clear();
        } else if (op instanceof Reset r) {
            long snapshot = Math.max(0, m.lastIndex() + r.jump());
            m.drop(0);
            m.term++;
            m.resetBase = Math.min(m.resetBase, snapshot + 1);
            try {
                log.reset(snapshot, m.term);
            } catch (DiskFullException e) {
                assertThat(log.failure()).isNotNull();
                sim.setCapacityBytes(Long.MAX_VALUE);
                log.reset(snapshot, m.term);
            }
            m.firstIndex = snapshot + 1;
            m.resetBase = snapshot + 1;
            m.lastIndexFloor = snapshot;
        } else if (op instanceof Sync) {
            log.sync();
            m.mustHave = new TreeMap<>(m.current);
            m.lastIndexFloor = m.lastIndex();
        } else if (op instanceof SaveHardState) {
            HardState next = new HardState(m.term, m.term % 3, m.firstIndex - 1);
            m.savingHardState = next;
            try {
                hs.save(next);
                m.savedHardState = next;
            } catch (DiskFullException e) {
                assertThat(e).hasMessageContaining("hardstate.tmp");
            }
            m.savingHardState = null;
        } else if (op instanceof Reopen) {
            log.close();
            log = SegmentLog.open(disk, "g/log", CONFIG);
            assertThat(log.recovery().needsSnapshot() || log.recovery().truncatedTail()).as(log.recovery().describe()).isFalse();
            assertThat(log.lastIndex()).isEqualTo(m.lastIndex());
            log.compactPrefix(m.firstIndex - 1);
        }
        assertThat(log.lastIndex()).isEqualTo(m.lastIndex());
        assertThat(log.firstIndex()).isEqualTo(m.firstIndex);
        return log;
    }

    /** Appends; on a full disk the log must hold a prefix of the entries and stay usable. */
    private static void appendOrFill(SegmentLog log, List<Entry> es, long protectedIndex, Model m) throws IOException {
        try {
            log.append(es, m.nowMs, protectedIndex);
            es.forEach(e -> m.current.put(e.index(), e));
        } catch (DiskFullException e) {
            for (Entry x : es) {
                if (x.index() <= log.lastIndex()) {
                    m.current.put(x.index(), x);
                }
            }
        }
    }

    private static RecoveryReport verify(SimDisk disk, Model m) throws IOException {
        disk.setCapacityBytes(Long.MAX_VALUE);
        RecoveryReport report;
        try (SegmentLog log = SegmentLog.open(disk, "g/log", CONFIG)) {
            report = log.recovery();
            assertThat(report.needsSnapshot()).as("a crash alone corrupted the log: %s", report.describe()).isFalse();
            long first = log.firstIndex();
            long last = log.lastIndex();
            assertThat(last).as("last index after recovery").isGreaterThanOrEqualTo(m.lastIndexFloor);
            assertThat(first).as("first index after a completed reset").isGreaterThanOrEqualTo(m.resetBase);
            for (Entry e : m.mustHave.values()) {
                assertThat(e.index()).as("synced entry %s within [%s, %s]", e, first, last).isBetween(first, last);
                assertThat(log.read(e.index(), e.index() + 1, 0)).containsExactly(e);
            }
            List<Entry> all = log.read(first, last + 1, Long.MAX_VALUE);
            assertThat(all).hasSize((int) (last - first + 1));
            long prevTerm = log.term(first - 1);
            for (Entry e : all) {
                assertThat(m.appended.getOrDefault(e.index(), List.of())).as("served entry %s was appended", e)
                        .contains(e);
                assertThat(e.term()).isGreaterThanOrEqualTo(prevTerm);
                assertThat(log.term(e.index())).isEqualTo(e.term());
                prevTerm = e.term();
            }
            Entry next = new Entry(prevTerm + 1, last + 1, EntryType.NORMAL, new byte[] {1, 2, 3});
            log.append(List.of(next), m.nowMs);
            log.sync();
        }
        try (SegmentLog log = SegmentLog.open(disk, "g/log", CONFIG)) {
            assertThat(log.recovery().clean()).as(log.recovery().describe()).isTrue();
        }
        HardState hs = new HardStateFile(disk, "g/state").load();
        if (m.savingHardState == null) {
            assertThat(hs).isEqualTo(m.savedHardState);
        } else {
            assertThat(hs).isIn(m.savedHardState, m.savingHardState);
        }
        return report;
    }
}
