package io.conclave.storage.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A group holding {@link GroupLog#MATERIALIZE_EARLY_BYTES} of durable entries is written into its
 * segments at once, without waiting for its sync round (its entries leave the heap), and stays pending
 * until the round syncs it; a group holding less waits for the round as before.
 */
class EarlyMaterializeTest {

    private static final int ENTRY_BYTES = 16 << 10;

    private static int persist(EngineFixture fx, GroupLog log, long from, int count) {
        List<Entry> es = EngineFixture.entries(1, from, count, ENTRY_BYTES, 7);
        EngineFixture.Outcome out = new EngineFixture.Outcome();
        assertThat(log.persist(new HardState(1, 1, 0), es, null, out)).isEqualTo(StorageStatus.OK);
        fx.drain();
        assertThat(out.durable).isEqualTo(1);
        return count;
    }

    @Test
    void aGroupHoldingAMebibyteOfDurableEntriesIsMaterializedBeforeItsSyncRound() throws Exception {
        EngineFixture fx = new EngineFixture(3, EngineFixture.smallConfig().withSegmentSyncIntervalMs(3_600_000));
        fx.engine.createGroup(1, ConfState.ofVoters(1, 2, 3));
        GroupLog log = fx.engine.group(1);
        int perWrite = 2;
        long next = 1;
        long below = GroupLog.MATERIALIZE_EARLY_BYTES / ENTRY_BYTES - perWrite;
        while (next <= below) {
            next += persist(fx, log, next, perWrite);
        }
        assertThat(log.tailEntries()).as("below the threshold the entries wait for the round").isEqualTo((int) below);

        next += persist(fx, log, next, perWrite);

        assertThat(log.tailEntries()).as("materialized early").isZero();
        assertThat(fx.engine.pendingGroups()).as("not synced: the WAL still holds them").isEqualTo(1);
        assertThat(log.entries(1, next, Long.MAX_VALUE))
                .isEqualTo(EngineFixture.entries(1, 1, (int) next - 1, ENTRY_BYTES, 7));

        fx.crashAndReopen();
        GroupLog reopened = fx.engine.group(1);
        assertThat(reopened.lastIndex()).as("replayed from the WAL").isEqualTo(next - 1);
        assertThat(reopened.entries(1, next, Long.MAX_VALUE))
                .isEqualTo(EngineFixture.entries(1, 1, (int) next - 1, ENTRY_BYTES, 7));
    }

    @Test
    void aGroupHoldingTooManyUnmaterializedBytesHasItsWritesHeldBackUntilTheyAreInItsSegments() throws Exception {
        EngineFixture fx = new EngineFixture(5, EngineFixture.smallConfig().withSegmentSyncIntervalMs(3_600_000));
        long bound = 256 << 10;
        fx.engine.heldBytesMaxPerGroup(bound);
        fx.engine.createGroup(1, ConfState.ofVoters(1, 2, 3));
        GroupLog log = fx.engine.group(1);
        EngineFixture.Outcome out = new EngineFixture.Outcome();
        long next = 1;
        StorageStatus st = StorageStatus.OK;
        for (int i = 0; i < 1_000 && st == StorageStatus.OK; i++) {
            st = log.persist(new HardState(1, 1, 0), EngineFixture.entries(1, next, 2, ENTRY_BYTES, 7), null, out);
            if (st == StorageStatus.OK) {
                next += 2;
            }
        }

        assertThat(st).as("the WAL has written nothing yet: the group holds it all").isEqualTo(StorageStatus.QUEUE_FULL);
        assertThat((next - 1) * ENTRY_BYTES).isEqualTo(bound);
        assertThat(log.heldBackWrites()).isEqualTo(1);
        assertThat(fx.engine.writesHeldBack()).isEqualTo(1);
        assertThat(log.persist(new HardState(2, 1, 0), List.of(), null, out))
                .as("a write without entries still goes through").isEqualTo(StorageStatus.OK);

        fx.drain(); // durable, then materialized at once (no sync round is due)

        assertThat(log.tailEntries()).isZero();
        assertThat(log.persist(new HardState(2, 1, 0), EngineFixture.entries(1, next, 2, ENTRY_BYTES, 7), null, out))
                .isEqualTo(StorageStatus.OK);
        fx.drain();
        assertThat(log.entries(1, next + 2, Long.MAX_VALUE))
                .isEqualTo(EngineFixture.entries(1, 1, (int) next + 1, ENTRY_BYTES, 7));
    }
}
