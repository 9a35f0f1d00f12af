package io.conclave.storage.engine;

import static io.conclave.storage.engine.EngineFixture.entries;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfState;
import io.conclave.raft.HardState;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.ForwardingDisk;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.engine.EngineFixture.Outcome;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A segment write that stalls (the kernel throttling dirty pages) holds up the housekeeper, never the
 * group's owner: a Raft event loop reading its log, appending more, must not wait for it.
 */
class MaterializeWithoutTheGroupMonitorTest {

    /** A disk whose segment data writes wait for {@link #release} once armed. */
    private static final class StallingDisk extends ForwardingDisk {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        StallingDisk(SimDisk disk) {
            super(disk);
        }

        @Override
        protected FileHandle wrap(String path, FileHandle h) {
            if (!path.contains("/log/") || !path.endsWith(".log")) {
                return h;
            }
            return new ForwardingFile(h) {
                @Override
                public long append(byte[] src, int off, int len) throws IOException {
                    stall();
                    return h.append(src, off, len);
                }

                @Override
                public void write(long pos, byte[] src, int off, int len) throws IOException {
                    stall();
                    h.write(pos, src, off, len);
                }
            };
        }

        private void stall() throws IOException {
            if (!armed) {
                return;
            }
            entered.countDown();
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("the test never released the stalled write");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    @Test
    void theOwnerReadsAndWritesWhileTheHousekeeperIsStuckInASegmentWrite() throws Exception {
        StallingDisk disk = new StallingDisk(new SimDisk(7));
        EngineConfig config = EngineFixture.smallConfig();
        long[] nowMs = {1_000};
        StorageEngine engine = StorageEngine.open(disk, "data", config, () -> nowMs[0]);
        GroupLog log = engine.createGroup(1, ConfState.ofVoters(1, 2, 3));
        Outcome first = new Outcome();
        log.persist(new HardState(1, 1, 0), entries(1, 1, 20, 100, 1), null, first);
        engine.walAgent().doWork();
        assertThat(first.durable).isEqualTo(1);

        disk.armed = true;
        nowMs[0] += config.segmentSyncIntervalMs();
        CompletableFuture<Void> housekeeper = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 10_000 && (engine.doWork() > 0 || engine.hasWork()); i++) {
                // until idle
            }
        });
        assertThat(disk.entered.await(30, TimeUnit.SECONDS)).as("the housekeeper started materializing").isTrue();

        // The owner, meanwhile: reads what it wrote and appends more. Before, each call waited for the
        // stalled write, holding the group's monitor (here: until the bound below ran out).
        CompletableFuture<Void> owner = CompletableFuture.runAsync(() -> {
            assertThat(log.lastIndex()).isEqualTo(20);
            assertThat(log.term(20)).isEqualTo(1);
            assertThat(log.entries(1, 21, Long.MAX_VALUE)).isEqualTo(entries(1, 1, 20, 100, 1));
            Outcome second = new Outcome();
            assertThat(log.persist(new HardState(1, 1, 20), entries(1, 21, 5, 100, 1), null, second))
                    .isEqualTo(StorageStatus.OK);
            assertThat(log.lastIndex()).isEqualTo(25);
        });
        owner.get(30, TimeUnit.SECONDS);

        disk.armed = false;
        disk.release.countDown();
        housekeeper.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 10_000 && (engine.doWork() > 0 || engine.hasWork()); i++) {
            // the second write, durable and materialized
        }
        nowMs[0] += config.segmentSyncIntervalMs();
        for (int i = 0; i < 10_000 && (engine.doWork() > 0 || engine.hasWork()); i++) {
            // segments synced
        }
        assertThat(log.entries(1, 26, Long.MAX_VALUE)).hasSize(25);
        assertThat(log.entries(21, 26, Long.MAX_VALUE)).isEqualTo(entries(1, 21, 5, 100, 1));
        assertThat(log.tailEntries()).as("everything materialized").isZero();
        engine.close();
    }
}
