package io.conclave.sim.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageAndDiskTest {

    private static List<Entry> entries(long term, long from, long to) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.normal(term, i, new byte[] {(byte) i}));
        }
        return out;
    }

    @Test
    void aCrashKeepsOnlyWhatASyncCovered() {
        MemorySimStorage s = MemorySimStorage.bootstrap(new long[] {1, 2, 3}, false);
        long m1 = s.write(new HardState(1, 1, 0), entries(1, 1, 3), null);
        s.sync(m1);
        s.write(new HardState(2, 2, 3), entries(2, 4, 5), null);
        assertThat(s.raftStorage().lastIndex()).isEqualTo(5);
        assertThat(s.isDurable(3, 1)).isTrue();
        assertThat(s.isDurable(4, 2)).isFalse();
        s.crash();
        assertThat(s.raftStorage().lastIndex()).isEqualTo(3);
        assertThat(s.raftStorage().initialState().hardState()).isEqualTo(new HardState(1, 1, 0));
        assertThat(s.raftStorage().initialState().confState().voters()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void droppedFsyncsReportSuccessButMakeNothingDurable() {
        MemorySimStorage s = MemorySimStorage.bootstrap(new long[] {1}, true);
        long m = s.write(new HardState(1, 1, 1), entries(1, 1, 2), null);
        s.sync(m);
        assertThat(s.isDurable(1, 1)).isFalse();
        s.crash();
        assertThat(s.raftStorage().lastIndex()).isZero();
        assertThat(s.durableHardState()).isEqualTo(HardState.EMPTY);
    }

    @Test
    void aSyncedSnapshotAndCompactionSurviveACrash() {
        MemorySimStorage s = MemorySimStorage.bootstrap(new long[] {1}, false);
        s.sync(s.write(new HardState(1, 1, 5), entries(1, 1, 5), null));
        s.sync(s.snapshotAndCompact(4, ConfState.ofVoters(1), new byte[] {9}));
        s.crash();
        assertThat(s.raftStorage().firstIndex()).isEqualTo(5);
        assertThat(s.raftStorage().snapshot().index()).isEqualTo(4);
        assertThat(s.isDurable(2, 1)).isTrue();
        assertThat(s.raftStorage().lastIndex()).isEqualTo(5);
    }

    @Test
    void oneFsyncCoversEveryWriteQueuedBeforeItStarted() {
        Scheduler sched = new Scheduler(1000);
        Disk disk = new Disk(sched, SimRandom.of(1, "d"), new DiskConfig(1000, 0));
        MemorySimStorage a = MemorySimStorage.bootstrap(new long[] {1}, false);
        MemorySimStorage b = MemorySimStorage.bootstrap(new long[] {1}, false);
        List<String> done = new ArrayList<>();
        disk.submit(new Disk.Write(a, a.write(null, entries(1, 1, 1), null), () -> done.add("a1")));
        disk.submit(new Disk.Write(b, b.write(null, entries(1, 1, 1), null), () -> done.add("b1")));
        disk.submit(new Disk.Write(a, a.write(null, entries(1, 2, 2), null), () -> done.add("a2")));
        sched.runUntil(1000);
        assertThat(done).containsExactly("a1");
        sched.runUntil(2000);
        assertThat(done).containsExactly("a1", "b1", "a2");
        assertThat(disk.fsyncs()).isEqualTo(2);
        assertThat(a.isDurable(2, 1)).isTrue();
    }

    @Test
    void aResetDiskNeverCompletesWhatWasInFlight() {
        Scheduler sched = new Scheduler(1000);
        Disk disk = new Disk(sched, SimRandom.of(1, "d"), new DiskConfig(1000, 0));
        MemorySimStorage a = MemorySimStorage.bootstrap(new long[] {1}, false);
        List<String> done = new ArrayList<>();
        disk.submit(new Disk.Write(a, a.write(null, entries(1, 1, 1), null), () -> done.add("a1")));
        disk.reset();
        sched.runUntil(10_000);
        assertThat(done).isEmpty();
        assertThat(a.isDurable(1, 1)).isFalse();
    }
}
