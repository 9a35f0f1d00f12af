package io.conclave.storage.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.raft.storage.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * GroupLog answers exactly like MemoryStorage for the same operation sequences (Raft-shaped:
 * contiguous entries, terms never going down), whether its entries sit in the in-memory tail, in
 * unsynced segments or in synced ones. Operations and agent steps are interleaved at random.
 */
class GroupLogConformanceProperties {

    @Property(tries = 60)
    void groupLogAnswersLikeMemoryStorage(@ForAll long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        // Batches of at most 2 requests, so materialization often runs with later writes still pending.
        EngineConfig cfg = EngineFixture.smallConfig();
        cfg = cfg.withWal(new io.conclave.storage.wal.WalConfig(cfg.wal().fileBytesTarget(), cfg.wal().recordBytesMax(),
                cfg.wal().queueCapacity(), 2, cfg.wal().batchBytesMax(), (seed & 1) == 0));
        EngineFixture fx = new EngineFixture(seed, cfg);
        ConfState voters = ConfState.ofVoters(1, 2, 3);
        GroupLog log = fx.engine.createGroup(7, voters);
        MemoryStorage mem = MemoryStorage.withVoters(1, 2, 3);
        List<String> trace = new ArrayList<>();
        long term = 1;
        for (int step = 0; step < 120; step++) {
            int op = rnd.nextInt(100);
            if (op < 45) {
                long from = Math.max(1, mem.firstIndex() - 1 + rnd.nextInt(-1, (int) (mem.lastIndex() - mem.firstIndex()) + 3));
                from = Math.min(from, mem.lastIndex() + 1);
                long prev = from - 1 >= mem.firstIndex() - 1 ? mem.term(from - 1) : mem.term(mem.firstIndex() - 1);
                term = Math.max(term, prev) + (rnd.nextInt(4) == 0 ? 1 : 0);
                List<Entry> es = EngineFixture.entries(term, from, 1 + rnd.nextInt(6), rnd.nextInt(60), step);
                trace.add("append " + es);
                mem.append(es);
                assertThat(log.persist(null, es, null, new EngineFixture.Outcome())).isEqualTo(StorageStatus.OK);
            } else if (op < 55) {
                HardState hs = new HardState(term, rnd.nextInt(4), rnd.nextLong(mem.lastIndex() + 1));
                trace.add("hardState " + hs);
                mem.setHardState(hs);
                assertThat(log.persist(hs, List.of(), null, new EngineFixture.Outcome())).isEqualTo(StorageStatus.OK);
            } else if (op < 62) {
                long c = mem.firstIndex() - 1 + rnd.nextLong(mem.lastIndex() - mem.firstIndex() + 2);
                trace.add("compact " + c);
                mem.compact(c);
                log.compact(c);
            } else if (op < 67 && mem.lastIndex() > Math.max(mem.snapshot().index(), mem.firstIndex() - 2)) {
                long low = Math.max(mem.snapshot().index() + 1, mem.firstIndex() - 1);
                long i = low + rnd.nextLong(mem.lastIndex() - low + 1);
                byte[] data = {(byte) step, 1, 2};
                trace.add("createSnapshot " + i);
                assertThat(log.createSnapshot(i, voters, data)).isEqualTo(mem.createSnapshot(i, voters, data));
            } else if (op < 70) {
                long i = mem.snapshot().index() + 1 + rnd.nextInt(30);
                term = Math.max(term, rnd.nextInt(3) == 0 ? term + 1 : term);
                Snapshot snap = new Snapshot(new SnapshotMetadata(i, term, ConfState.ofVoters(1, 2, 4)),
                        new byte[] {(byte) i});
                trace.add("applySnapshot " + i + "/" + term);
                mem.applySnapshot(snap);
                assertThat(log.applySnapshot(snap, new EngineFixture.Outcome())).isEqualTo(StorageStatus.OK);
            } else if (op < 90) {
                trace.add("doWork");
                fx.engine.doWork();
            } else {
                trace.add("syncSegments");
                fx.syncSegments();
            }
            assertSameAnswers(mem, log, rnd, trace);
        }
        fx.drain();
        fx.syncSegments();
        assertSameAnswers(mem, log, rnd, trace);
        assertThat(log.tailEntries()).as("everything materialized").isZero();
    }

    static void assertSameAnswers(MemoryStorage mem, GroupLog log, SplittableRandom rnd, List<String> trace) {
        String why = String.join("\n", trace.subList(Math.max(0, trace.size() - 12), trace.size()));
        assertThat(log.firstIndex()).as(why).isEqualTo(mem.firstIndex());
        assertThat(log.lastIndex()).as(why).isEqualTo(mem.lastIndex());
        assertThat(log.hardState()).as(why).isEqualTo(mem.hardState());
        assertThat(log.snapshot()).as(why).isEqualTo(mem.snapshot());
        assertThat(log.initialState()).as(why).isEqualTo(mem.initialState());
        for (long i = mem.firstIndex() - 1; i <= mem.lastIndex(); i++) {
            assertThat(log.term(i)).as(why).isEqualTo(mem.term(i));
        }
        long maxBytes = rnd.nextInt(4) == 0 ? Long.MAX_VALUE : rnd.nextInt(200);
        long lo = mem.firstIndex();
        long hi = mem.lastIndex() + 1;
        assertThat(log.entries(lo, hi, maxBytes)).as(why).isEqualTo(mem.entries(lo, hi, maxBytes));
        if (hi > lo + 1) {
            long mid = lo + rnd.nextLong(hi - lo);
            assertThat(log.entries(mid, hi, maxBytes)).as(why).isEqualTo(mem.entries(mid, hi, maxBytes));
        }
        assertSameFailure(() -> mem.entries(lo - 1, hi, maxBytes), () -> log.entries(lo - 1, hi, maxBytes));
        assertSameFailure(() -> mem.entries(lo, hi + 1, maxBytes), () -> log.entries(lo, hi + 1, maxBytes));
        assertSameFailure(() -> mem.term(lo - 2), () -> log.term(lo - 2));
        assertSameFailure(() -> mem.term(hi), () -> log.term(hi));
    }

    private static void assertSameFailure(Runnable expected, Runnable actual) {
        Throwable e = catchThrowable(expected::run);
        Throwable a = catchThrowable(actual::run);
        if (e == null) {
            assertThat(a).isNull();
        } else {
            assertThat(a).isNotNull().hasSameClassAs(e).hasMessage(e.getMessage());
        }
    }
}
