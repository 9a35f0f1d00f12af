package io.conclave.storage.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.storage.wal.WriteCallback;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random writes of several groups through the WAL and the engine, with power loss at random
 * points (a SimDisk crash keeps synced data plus a seeded, possibly torn, prefix of the rest). After
 * each reopen every group's log and hard state must equal its state after some accepted write that
 * is no older than the last one acknowledged as durable: nothing acknowledged is lost, nothing
 * half-written or never written is served, and nothing is corrupt. Groups are also deleted and
 * created again now and then: a crash afterwards must show only the new incarnation's states.
 */
class EngineCrashProperties {

    private static final int GROUPS = 5;

    /** A group's log (from index 1, never compacted) and hard state after one accepted write. */
    record State(List<Entry> log, HardState hs) {
    }

    /** Every accepted write's resulting state since the last reopen, and the newest acknowledged one. */
    static final class Model {
        final List<State> states = new ArrayList<>();
        int acked;
        long term = 1;

        State last() {
            return states.get(states.size() - 1);
        }
    }

    @Property(tries = 25)
    void acknowledgedWritesSurviveCrashesAndNothingElseIsServed(@ForAll long seed) throws IOException {
        run(seed, EngineFixture.smallConfig());
    }

    /**
     * The same over preallocated WAL files: records overwrite zeros, or the frames of a recycled file's
     * earlier life, and a torn batch leaves either behind it.
     */
    @Property(tries = 25)
    void acknowledgedWritesSurviveCrashesOverPreallocatedWalFiles(@ForAll long seed) throws IOException {
        EngineConfig cfg = EngineFixture.smallConfig();
        RECYCLED.addAndGet(run(seed, cfg.withWal(cfg.wal().withPreallocate(true))));
    }

    /** WAL files recycled over the preallocated tries: they must have met recycled files, not only zeros. */
    private static final AtomicLong RECYCLED = new AtomicLong();

    @AfterContainer
    static void thePreallocatedTriesRecycledFiles() {
        assertThat(RECYCLED.get()).as("WAL files recycled over the preallocated tries").isPositive();
    }

    /** @return WAL files recycled over the run */
    private static long run(long seed, EngineConfig cfg) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        EngineFixture fx = new EngineFixture(seed, cfg);
        Model[] models = new Model[GROUPS];
        long recycled = 0;
        for (int g = 0; g < GROUPS; g++) {
            fx.engine.createGroup(g + 1, ConfState.ofVoters(1, 2, 3));
            models[g] = new Model();
            models[g].states.add(new State(List.of(), HardState.EMPTY));
        }
        for (int round = 0; round < 4; round++) {
            for (int step = 0; step < 60; step++) {
                act(fx, models, rnd, round * 1000 + step);
            }
            recycled += fx.engine.walFilesRecycled();
            fx.crashAndReopen();
            for (int g = 0; g < GROUPS; g++) {
                checkRecovered(fx.engine.group(g + 1), models[g], "seed " + seed + " round " + round);
            }
        }
        return recycled;
    }

    private static void act(EngineFixture fx, Model[] models, SplittableRandom rnd, long salt) {
        int op = rnd.nextInt(100);
        if (op < 55) {
            int g = rnd.nextInt(GROUPS);
            persist(fx.engine.group(g + 1), models[g], rnd, salt);
        } else if (op < 62) {
            int g = rnd.nextInt(GROUPS);
            GroupLog log = fx.engine.group(g + 1);
            long c = log.firstIndex() - 1 + rnd.nextLong(log.lastIndex() - log.firstIndex() + 2);
            log.compact(c);
        } else if (op < 64) {
            int g = rnd.nextInt(GROUPS);
            recreate(fx, g + 1, models[g]);
        } else if (op < 92) {
            for (int i = rnd.nextInt(1, 4); i > 0; i--) {
                fx.engine.doWork();
            }
        } else {
            fx.syncSegments();
        }
    }

    /**
     * Deletes the group (running the agent until the deletion is done) and creates it again: a new
     * incarnation whose only acceptable states are its own; nothing of the old one may come back.
     */
    private static void recreate(EngineFixture fx, long groupId, Model m) {
        java.util.concurrent.CompletableFuture<Void> deleted = fx.engine.deleteGroup(groupId);
        fx.drain();
        assertThat(deleted).isCompleted();
        try {
            fx.engine.createGroup(groupId, ConfState.ofVoters(1, 2, 3));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        m.states.clear();
        m.states.add(new State(List.of(), HardState.EMPTY));
        m.acked = 0;
        m.term = 1;
    }

    private static void persist(GroupLog log, Model m, SplittableRandom rnd, long salt) {
        State prev = m.last();
        long last = prev.log.size();
        long from = last + 1;
        if (last >= log.firstIndex() && rnd.nextInt(10) < 3) {
            from = log.firstIndex() + rnd.nextLong(last - log.firstIndex() + 1);
            m.term++;
        }
        List<Entry> es = EngineFixture.entries(m.term, from, rnd.nextInt(0, 5), rnd.nextInt(100), salt);
        List<Entry> next = new ArrayList<>(prev.log.subList(0, (int) (from - 1)));
        next.addAll(es);
        if (es.isEmpty()) {
            next = prev.log;
        }
        HardState hs = rnd.nextBoolean() ? new HardState(m.term, 1, rnd.nextLong(next.size() + 1)) : null;
        State state = new State(List.copyOf(next), hs == null ? prev.hs : hs);
        int opIndex = m.states.size();
        StorageStatus status = log.persist(hs, es, null, new WriteCallback() {
            @Override
            public void onDurable() {
                m.acked = Math.max(m.acked, opIndex);
            }

            @Override
            public void onFailed(IOException cause) {
                throw new AssertionError("no write may fail here", cause);
            }
        });
        assertThat(status).isEqualTo(StorageStatus.OK);
        m.states.add(state);
    }

    private static void checkRecovered(GroupLog log, Model m, String where) {
        assertThat(log.state()).as(where).isEqualTo(GroupState.WRITABLE);
        List<Entry> got = log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE);
        HardState hs = log.hardState();
        int match = -1;
        for (int j = m.states.size() - 1; j >= m.acked && match < 0; j--) {
            State s = m.states.get(j);
            if (s.log.size() == log.lastIndex() && s.hs.equals(hs)
                    && got.equals(s.log.subList((int) log.firstIndex() - 1, s.log.size()))) {
                match = j;
            }
        }
        assertThat(match).as("%s group %d: recovered [%d, %d] hs %s matches no state from acknowledged write %d of %d",
                where, log.groupId(), log.firstIndex(), log.lastIndex(), hs, m.acked, m.states.size() - 1)
                .isGreaterThanOrEqualTo(m.acked);
        State kept = m.states.get(match);
        m.states.clear();
        m.states.add(kept);
        m.acked = 0;
        for (Entry e : got) {
            m.term = Math.max(m.term, e.term());
        }
    }
}
