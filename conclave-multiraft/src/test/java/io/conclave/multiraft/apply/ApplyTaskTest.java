package io.conclave.multiraft.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ApplyTaskTest {

    private static final ApplySink SINK = new ApplySink() {
        @Override
        public long groupId() {
            return 1;
        }

        @Override
        public void onApplied(long index) {
        }

        @Override
        public void onStateSnapshot(long index, byte[] data) {
        }
    };

    private static Entry entry(long index) {
        return new Entry(1, index, EntryType.NORMAL, new byte[] {(byte) index});
    }

    @Test
    void aTaskFollowedByAnotherAppliesBothInOrderAndAnswersBothWaiters() {
        ApplyCursor cursor = new ApplyCursor(0);
        CompletableFuture<Long> a = new CompletableFuture<>();
        CompletableFuture<Long> b = new CompletableFuture<>();
        Snapshot snap = new Snapshot(new SnapshotMetadata(4, 1, ConfState.ofVoters(1, 2, 3)), new byte[0]);
        ApplyTask first = new ApplyTask(SINK, cursor, snap, List.of(entry(5), entry(6)),
                List.of(new ApplyTask.Waiter(6, a)));
        ApplyTask second = new ApplyTask(SINK, cursor, null, List.of(entry(7)), List.of(new ApplyTask.Waiter(7, b)));

        ApplyTask joined = first.followedBy(second);

        assertThat(joined.snapshot()).isSameAs(snap);
        assertThat(joined.entries()).extracting(Entry::index).containsExactly(5L, 6L, 7L);
        assertThat(joined.waiters()).extracting(ApplyTask.Waiter::index).containsExactly(6L, 7L);
    }

    @Test
    void aSnapshotCannotFollowOtherWork() {
        ApplyCursor cursor = new ApplyCursor(0);
        Snapshot snap = new Snapshot(new SnapshotMetadata(9, 1, ConfState.ofVoters(1)), new byte[0]);
        ApplyTask first = new ApplyTask(SINK, cursor, null, List.of(entry(5)));
        assertThatThrownBy(() -> first.followedBy(new ApplyTask(SINK, cursor, snap, List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshot");
        assertThatThrownBy(() -> first.followedBy(new ApplyTask(SINK, new ApplyCursor(0), null, List.of(entry(6)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different groups");
    }
}
