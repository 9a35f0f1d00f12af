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
