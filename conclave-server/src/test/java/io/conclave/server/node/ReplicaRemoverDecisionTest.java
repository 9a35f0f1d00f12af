package io.conclave.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.StateRole;
import io.conclave.server.metadata.MetadataChange;
import io.conclave.server.metadata.MetadataLog;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which replicas the remover may destroy, on images built by the controller's own handlers. */
class ReplicaRemoverDecisionTest {

    private final MetadataLog log = new MetadataLog();
    private long index;

    private void commit(Function<ClusterImage, ControllerResult<MetadataError>> op) {
        log.apply(List.of(Entry.normal(1, ++index, MetadataChange.plan(log.image(), op).batch())));
    }

    private PartitionInfo setUp(int rf) {
        for (long n = 1; n <= 3; n++) {
            long node = n;
            commit(img -> TopicHandlers.registerNode(img, node, 1, "h" + node, 9000, 10000, "r" + node));
        }
        commit(img -> TopicHandlers.createTopic(img, "t", 1, rf, Map.of()));
        return partitionOf(log.image());
    }

    private static PartitionInfo partitionOf(ClusterImage img) {
        return img.partitionsByTopic().values().iterator().next().get(0);
    }

    private static GroupStatus status(long node, long commit, long applied, ConfState conf) {
        return new GroupStatus(42, node, 1, StateRole.FOLLOWER, 0, 3, commit, applied, commit, 0, 1, conf, false, false,
                false);
    }

    @Test
    void aReplicaIsUnassignedOnceItsNodeLeftTheSetOrItsTopicWasDeletedButNotWhenCreatedAfterTheImage() {
        PartitionInfo p = setUp(3);
        long leaving = p.replicas().get(2);
        commit(img -> TopicHandlers.setReplicationFactor(img, "t", 2));

        assertThat(ReplicaRemover.unassigned(log.image(), leaving, List.of(p.groupId(), p.groupId() + 1)))
                .containsExactly(new ReplicaRemover.Unassigned(p.groupId(), partitionOf(log.image())));
        commit(img -> TopicHandlers.deleteTopic(img, "t"));
        assertThat(ReplicaRemover.unassigned(log.image(), p.replicas().get(0), List.of(p.groupId())))
                .containsExactly(new ReplicaRemover.Unassigned(p.groupId(), null));
    }

    @Test
    void aRemovalCountsAsCommittedOnlyWhenAppliedWithoutThisNodeOnAFreshImage() {
        PartitionInfo p = setUp(3);
        long leaving = p.replicas().get(2);
        commit(img -> TopicHandlers.setReplicationFactor(img, "t", 2));
        ClusterImage img = log.image();
        ReplicaRemover.Unassigned u = ReplicaRemover.unassigned(img, leaving, List.of(p.groupId())).get(0);
        ConfState without = ConfState.ofVoters(p.replicas().get(0), p.replicas().get(1));
        ConfState with = ConfState.ofVoters(1, 2, 3);
        GroupStatus fresh = status(leaving, 9, 9, ConfState.ofVoters(1, 2, 3));
        GroupStatus stale = status(leaving, 9, 8, ConfState.ofVoters(1, 2, 3));

        assertThat(ReplicaRemover.verdict(img, u, leaving, status(leaving, 20, 20, without), fresh))
                .isEqualTo(ReplicaRemover.Verdict.DESTROY);
        assertThat(ReplicaRemover.verdict(img, u, leaving, status(leaving, 20, 20, without), stale))
                .as("the controller replica has not applied all it knows committed").isEqualTo(ReplicaRemover.Verdict.KEEP);
        assertThat(ReplicaRemover.verdict(img, u, leaving, status(leaving, 20, 19, without), fresh))
                .as("the replica has not applied its removal yet").isEqualTo(ReplicaRemover.Verdict.ASK_LEADER);
        assertThat(ReplicaRemover.verdict(img, u, leaving, status(leaving, 20, 20, with), fresh))
                .isEqualTo(ReplicaRemover.Verdict.ASK_LEADER);
    }

    @Test
    void theLeaderDroppedThisNodeOnlyWhenItListsOthersAndNotThisNode() {
        assertThat(ReplicaRemover.leaderDropped(3, List.of(1L, 2L))).isTrue();
        assertThat(ReplicaRemover.leaderDropped(3, List.of(1L, 2L, 3L))).isFalse();
        assertThat(ReplicaRemover.leaderDropped(3, List.of())).as("no answer tells nothing").isFalse();
    }
}
