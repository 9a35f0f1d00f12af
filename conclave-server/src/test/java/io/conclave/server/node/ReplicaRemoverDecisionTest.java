package io.conclave.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.proto.ReplicaStatus;
import io.conclave.api.proto.ReplicationStatusResponse;
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
                false, commit, 0);
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
    void theLeaderIsAskedOnlyOnAFreshImageAndNoOwnReplicaStateSkipsTheQuestion() {
        PartitionInfo p = setUp(3);
        long leaving = p.replicas().get(2);
        commit(img -> TopicHandlers.setReplicationFactor(img, "t", 2));
        ClusterImage img = log.image();
        ReplicaRemover.Unassigned u = ReplicaRemover.unassigned(img, leaving, List.of(p.groupId())).get(0);

        assertThat(ReplicaRemover.verdict(img, u, status(leaving, 9, 9, ConfState.ofVoters(1, 2, 3))))
                .isEqualTo(ReplicaRemover.Verdict.ASK_LEADER);
        assertThat(ReplicaRemover.verdict(img, u, status(leaving, 9, 8, ConfState.ofVoters(1, 2, 3))))
                .as("the controller replica has not applied all it knows committed").isEqualTo(ReplicaRemover.Verdict.KEEP);
    }

    /**
     * Seed 341 of the simulator's metadata workload: node 2 applied its removal from {1, 2} and
     * destroyed its replica; node 1, the survivor, had not written that commit yet, restarted below it
     * with {1, 2} as its membership, and needed node 2's vote for good. Applying a membership without
     * this node is not enough; the leader's durable commit must cover the membership it tracks.
     */
    @Test
    void aRemovalIsActedOnOnlyWhenTheLeaderDroppedThisNodeAndHoldsThatMembershipDurably() {
        long self = 2;
        assertThat(ReplicaRemover.removalDurable(self, new ReplicaRemover.LeaderAnswer(List.of(1L), 7, 7))).isTrue();
        assertThat(ReplicaRemover.removalDurable(self, new ReplicaRemover.LeaderAnswer(List.of(1L), 9, 7))).isTrue();
        assertThat(ReplicaRemover.removalDurable(self, new ReplicaRemover.LeaderAnswer(List.of(1L), 6, 7)))
                .as("the leader applied the removal at 7 but its disk holds a commit of 6 only").isFalse();
        assertThat(ReplicaRemover.removalDurable(self, new ReplicaRemover.LeaderAnswer(List.of(1L, 2L), 9, 7)))
                .as("the leader still tracks this node").isFalse();
        assertThat(ReplicaRemover.removalDurable(self, ReplicaRemover.LeaderAnswer.NONE))
                .as("no answer tells nothing").isFalse();
    }

    @Test
    void aStatusAnswerWithoutTheDurableFieldsTellsNothing() {
        ReplicationStatusResponse.Builder b = ReplicationStatusResponse.newBuilder().setLeader(1).setTerm(3)
                .setCommitIndex(9).addReplicas(ReplicaStatus.newBuilder().setNodeId(1).setMatchIndex(9).setVoter(true));
        assertThat(ReplicaRemover.answerOf(b.build())).as("a server older than the fields")
                .isEqualTo(ReplicaRemover.LeaderAnswer.NONE);
        assertThat(ReplicaRemover.answerOf(b.setDurableCommitIndex(8).setMembershipIndex(7).build()))
                .isEqualTo(new ReplicaRemover.LeaderAnswer(List.of(1L), 8, 7));
    }
}
