package io.conclave.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicConfig;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.raft.Entry;
import io.conclave.server.metadata.MetadataChange;
import io.conclave.server.metadata.MetadataLog;
import io.conclave.server.partition.PartitionLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The reconcile pass on a fake node: what it creates, how, and when it settles the loss check. */
class ReconcilerTest {

    private final MetadataLog log = new MetadataLog();
    private long index;
    private final FakeReplicas replicas = new FakeReplicas();
    private int settles;

    private static final class FakeReplicas implements Reconciler.Replicas {
        final TreeSet<Long> hosted = new TreeSet<>();
        final List<String> created = new ArrayList<>();
        final Map<Long, PartitionLog.Retention> retention = new HashMap<>();
        boolean refuse;

        @Override
        public boolean hosts(long groupId) {
            return hosted.contains(groupId);
        }

        @Override
        public void retention(long groupId, PartitionLog.Retention r) {
            retention.put(groupId, r);
        }

        @Override
        public void create(PartitionInfo p, boolean rejoining) {
            created.add((rejoining ? "rejoining " : "plain ") + p.groupId());
            if (!refuse) {
                hosted.add(p.groupId());
            }
        }
    }

    private void commit(Function<ClusterImage, ControllerResult<MetadataError>> op) {
        log.apply(List.of(Entry.normal(1, ++index, MetadataChange.plan(log.image(), op).batch())));
    }

    private void register(long node, long incarnation) {
        commit(img -> TopicHandlers.registerNode(img, node, incarnation, "h" + node, 9000, 10000, "r" + node));
    }

    private void createTopic(String name, int rf) {
        commit(img -> TopicHandlers.createTopic(img, name, 1, rf, Map.of(TopicConfig.RETENTION_MS, "77")));
    }

    private long groupOf(String topic) {
        ClusterImage img = log.image();
        return img.partitionsByTopic().get(img.topic(topic).orElseThrow().topicId()).get(0).groupId();
    }

    private Reconciler reconciler(LostReplicaCheck check, List<String> after) {
        return new Reconciler(1, replicas, () -> check, List.of(img -> after.add("after@" + img.offset())));
    }

    @Test
    void aSettledNodeCreatesEveryAssignedReplicaPlainAndSetsItsRetention() {
        register(1, 1);
        createTopic("a", 1);
        List<String> after = new ArrayList<>();

        Reconciler.Pass pass = reconciler(LostReplicaCheck.settled(1), after).pass(log.image());

        long gid = log.image().partitionsOn(1).get(0).groupId();
        assertThat(replicas.created).containsExactly("plain " + gid);
        assertThat(replicas.retention.get(gid)).isEqualTo(new PartitionLog.Retention(77, -1));
        assertThat(pass).isEqualTo(new Reconciler.Pass(1, 0, 0));
        assertThat(after).containsExactly("after@" + log.image().offset());
    }

    @Test
    void aGenesisVoterOfAPartitionWhoseReplicaSetChangedIsCreatedRejoiningAndANewcomerPlain() {
        // seed 39 of the simulator's metadata workload with two groups: nodes that had left a partition's
        // replica set and destroyed their replicas were assigned it again after a restart, created plain
        // replicas from the genesis membership, and two of them elected a second leader of term 1
        register(1, 1);
        register(2, 1);
        createTopic("a", 1);
        long gid = groupOf("a");
        long first = log.image().partitionsByTopic().values().iterator().next().get(0).replicas().get(0);
        commit(img -> TopicHandlers.setReplicationFactor(img, "a", 2));
        Reconciler genesisVoter = new Reconciler(first, replicas, () -> LostReplicaCheck.settled(first), List.of());
        Reconciler newcomer = new Reconciler(3 - first, replicas, () -> LostReplicaCheck.settled(3 - first), List.of());

        Reconciler.Pass byGenesisVoter = genesisVoter.pass(log.image());
        replicas.hosted.clear();
        Reconciler.Pass byNewcomer = newcomer.pass(log.image());

        assertThat(byGenesisVoter).isEqualTo(new Reconciler.Pass(0, 1, 0));
        assertThat(byNewcomer).isEqualTo(new Reconciler.Pass(1, 0, 0));
        assertThat(replicas.created).containsExactly("rejoining " + gid, "plain " + gid);
    }

    @Test
    void nothingIsCreatedWhileTheLossCheckIsUndecided() {
        register(1, 1);
        createTopic("a", 1);
        LostReplicaCheck check = LostReplicaCheck.pending(1, log, 2, () -> { }, () -> settles++);

        Reconciler.Pass pass = reconciler(check, new ArrayList<>()).pass(log.image());

        assertThat(replicas.created).isEmpty();
        assertThat(pass.deferred()).isEqualTo(1);
        assertThat(settles).isZero();
    }

    @Test
    void aReplacedDirectoryRecreatesWhatPredatesItsRegistrationRejoiningAndLaterGroupsPlain() {
        register(1, 1);
        createTopic("before", 1);
        LostReplicaCheck check = LostReplicaCheck.pending(1, log, 2, () -> { }, () -> settles++);
        register(1, 2);
        createTopic("after", 1);
        long before = groupOf("before");
        long later = groupOf("after");

        Reconciler.Pass pass = reconciler(check, new ArrayList<>()).pass(log.image());

        assertThat(replicas.created).containsExactlyInAnyOrder("rejoining " + before, "plain " + later);
        assertThat(pass).isEqualTo(new Reconciler.Pass(1, 1, 0));
        assertThat(settles).isEqualTo(1);
        assertThat(check.isPending()).isFalse();
    }

    @Test
    void theLossCheckStaysPendingWhileALostReplicaCouldNotBeCreated() {
        register(1, 1);
        createTopic("before", 1);
        LostReplicaCheck check = LostReplicaCheck.pending(1, log, 2, () -> { }, () -> settles++);
        register(1, 2);
        replicas.refuse = true;

        reconciler(check, new ArrayList<>()).pass(log.image());

        assertThat(settles).isZero();
        assertThat(check.isPending()).isTrue();
        replicas.refuse = false;
        reconciler(check, new ArrayList<>()).pass(log.image());
        assertThat(settles).isEqualTo(1);
        assertThat(replicas.created).hasSize(2).allMatch(c -> c.startsWith("rejoining "));
    }

    @Test
    void hostedReplicasAreNotCreatedAgain() {
        register(1, 1);
        createTopic("a", 1);
        replicas.hosted.add(log.image().partitionsOn(1).get(0).groupId());

        Reconciler.Pass pass = reconciler(LostReplicaCheck.settled(1), new ArrayList<>()).pass(log.image());

        assertThat(replicas.created).isEmpty();
        assertThat(pass).isEqualTo(new Reconciler.Pass(0, 0, 0));
    }
}
