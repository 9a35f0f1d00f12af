package io.conclave.storage.engine;

import static io.conclave.storage.engine.EngineFixture.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.ConfState;
import io.conclave.raft.HardState;
import io.conclave.storage.engine.EngineFixture.Outcome;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A group created on a disk that refuses the write of its genesis membership (full): the create fails
 * and leaves nothing behind — not in the engine (a retry would answer "already exists", and a runtime
 * asking {@code groupIds()} would think it hosts a group it has no replica of), nor on the disk (a
 * restart would recover a group without a membership, which no Raft core can start from).
 */
class CreateGroupFailureTest {

    private static final ConfState VOTERS = ConfState.ofVoters(1, 2, 3);

    @Test
    void aCreateRefusedByAFullDiskLeavesNoGroupAndCanBeRetried() throws IOException {
        EngineFixture fx = new EngineFixture(11, EngineFixture.smallConfig());
        fx.engine.createGroup(1, VOTERS);
        fx.disk.setCapacityBytes(fx.disk.usedBytes());
        assertThatThrownBy(() -> fx.engine.createGroup(4, VOTERS)).isInstanceOf(IOException.class);
        assertThat(fx.engine.groupIds()).containsExactly(1L);
        assertThat(fx.engine.group(4)).isNull();

        fx.disk.setCapacityBytes(Long.MAX_VALUE);
        GroupLog g = fx.engine.createGroup(4, VOTERS);
        assertThat(g.initialState().confState()).isEqualTo(VOTERS);
        Outcome o = new Outcome();
        g.persist(new HardState(1, 1, 1), entries(1, 1, 1, 10, 1), null, o);
        fx.drain();
        assertThat(o.durable).isEqualTo(1);
        fx.crashAndReopen();
        assertThat(fx.engine.group(4).initialState().confState()).isEqualTo(VOTERS);
        assertThat(fx.engine.group(4).lastIndex()).isEqualTo(1);
    }

    /**
     * The power goes out after every number of disk changes inside a create: the engine opens, and the
     * group is either there with its genesis membership or not there at all (never a directory without
     * a membership, from which no replica can start); it can then be created.
     */
    @Test
    void aPowerCutInsideACreateLeavesTheGroupWholeOrAbsent() throws IOException {
        int absent = 0;
        int whole = 0;
        for (int mutations = 0; mutations <= 12; mutations++) {
            EngineFixture fx = new EngineFixture(20 + mutations, EngineFixture.smallConfig());
            fx.engine.createGroup(1, VOTERS);
            fx.disk.powerOffAfter(mutations);
            try {
                fx.engine.createGroup(4, VOTERS);
            } catch (IOException | RuntimeException cut) {
                // the power went out inside it
            }
            fx.crashAndReopen();
            assertThat(fx.engine.group(1).initialState().confState()).isEqualTo(VOTERS);
            GroupLog g = fx.engine.group(4);
            if (g == null) {
                absent++;
                assertThat(fx.disk.list("data/groups")).as("cut after %d changes", mutations).containsExactly("1");
                g = fx.engine.createGroup(4, VOTERS);
            } else {
                whole++;
            }
            assertThat(g.initialState().confState()).as("cut after %d changes", mutations).isEqualTo(VOTERS);
        }
        assertThat(absent).isPositive();
        assertThat(whole).isPositive();
    }

    @Test
    void aRestartAfterARefusedCreateFindsNoHalfCreatedGroup() throws IOException {
        EngineFixture fx = new EngineFixture(12, EngineFixture.smallConfig());
        fx.engine.createGroup(1, VOTERS);
        fx.disk.setCapacityBytes(fx.disk.usedBytes());
        assertThatThrownBy(() -> fx.engine.createGroup(4, VOTERS)).isInstanceOf(IOException.class);
        fx.disk.setCapacityBytes(Long.MAX_VALUE);
        fx.crashAndReopen();
        assertThat(fx.engine.groupIds()).containsExactly(1L);
        assertThat(fx.engine.createGroup(4, VOTERS).initialState().confState()).isEqualTo(VOTERS);
    }
}
