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
import java.util.Set;
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
        /** The destruction records of the node's data directory ({@code node.meta}). */
        final TreeSet<Long> destroyed = new TreeSet<>();
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

        @Override
        public boolean destroyedHere(long groupId) {
            return destroyed.contains(groupId);
        }

        @Override
        public Set<Long> destroyedRecords() {
            return new TreeSet<>(destroyed);
        }

        @Override
        public void forgetDestroyed(Set<Long> groupIds) {
            destroyed.removeAll(groupIds);
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

    private void deleteTopic(String name) {
        commit(img -> TopicHandlers.deleteTopic(img, name));
    }

    private void setReplicationFactor(String name, int rf) {
        commit(img -> TopicHandlers.setReplicationFactor(img, name, rf));
    }

    private PartitionInfo partitionOf(String topic) {
        ClusterImage img = log.image();
        return img.partitionsByTopic().get(img.topic(topic).orElseThrow().topicId()).get(0);
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

        Reconciler.Pass pass = reconciler(LostReplicaCheck.settled(1, 0), after).pass(log.image());

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
        // replicas from the genesis membership, and two of them elected a second leader of term 1. Here the
        // directory was settled before it kept a group-id mark, so every group may predate it.
        register(1, 1);
        register(2, 1);
        createTopic("a", 1);
        long gid = groupOf("a");
        long first = log.image().partitionsByTopic().values().iterator().next().get(0).replicas().get(0);
        commit(img -> TopicHandlers.setReplicationFactor(img, "a", 2));
        Reconciler genesisVoter = new Reconciler(first, replicas,
                () -> LostReplicaCheck.settled(first, LostReplicaCheck.UNKNOWN_MARK), List.of());
        Reconciler newcomer = new Reconciler(3 - first, replicas,
                () -> LostReplicaCheck.settled(3 - first, LostReplicaCheck.UNKNOWN_MARK), List.of());

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
        LostReplicaCheck check = LostReplicaCheck.pending(1, log, 2, () -> { }, mark -> settles++);

        Reconciler.Pass pass = reconciler(check, new ArrayList<>()).pass(log.image());

        assertThat(replicas.created).isEmpty();
        assertThat(pass.deferred()).isEqualTo(1);
        assertThat(settles).isZero();
    }

    @Test
    void aReplacedDirectoryRecreatesWhatPredatesItsRegistrationRejoiningAndLaterGroupsPlain() {
        register(1, 1);
        createTopic("before", 1);
        LostReplicaCheck check = LostReplicaCheck.pending(1, log, 2, () -> { }, mark -> settles++);
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
        LostReplicaCheck check = LostReplicaCheck.pending(1, log, 2, () -> { }, mark -> settles++);
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

        Reconciler.Pass pass = reconciler(LostReplicaCheck.settled(1, 0), new ArrayList<>()).pass(log.image());

        assertThat(replicas.created).isEmpty();
        assertThat(pass).isEqualTo(new Reconciler.Pass(0, 0, 0));
    }

    /** Node 1's reconciler with a settled directory whose registration saw group ids up to {@code mark}. */
    private Reconciler settledSince(long mark) {
        return new Reconciler(1, replicas, () -> LostReplicaCheck.settled(1, mark), List.of());
    }

    @Test
    void aFirstTimeGenesisVoterAfterAReplicaSetChangeIsCreatedPlain() {
        // the partition-unelected gap: a group whose replica set changed before its genesis voters created
        // their replicas needs their votes for its first leader; node 1's directory was registered before
        // the group existed (mark 0) and never destroyed a replica of it, so it never hosted the group
        register(1, 1);
        register(2, 1);
        createTopic("a", 1);
        long first = partitionOf("a").replicas().get(0);
        setReplicationFactor("a", 2);
        PartitionInfo p = partitionOf("a");
        assertThat(p.epoch()).isGreaterThan(Reconciler.GENESIS_EPOCH);
        Reconciler genesisVoter = new Reconciler(first, replicas, () -> LostReplicaCheck.settled(first, 0), List.of());

        Reconciler.Pass pass = genesisVoter.pass(log.image());

        assertThat(pass).isEqualTo(new Reconciler.Pass(1, 0, 0));
        assertThat(replicas.created).containsExactly("plain " + p.groupId());
    }

    @Test
    void aGenesisVoterWhoseDirectoryDestroyedTheGroupIsCreatedRejoining() {
        // seed 39's hazard on a directory that keeps its marks: it hosted the group, left its replica set
        // and destroyed its replica (recorded in node.meta first); assigned again, it must not vote from
        // the genesis membership with an empty log
        register(1, 1);
        register(2, 1);
        createTopic("a", 1);
        long first = partitionOf("a").replicas().get(0);
        setReplicationFactor("a", 2);
        long gid = groupOf("a");
        replicas.destroyed.add(gid);
        Reconciler genesisVoter = new Reconciler(first, replicas, () -> LostReplicaCheck.settled(first, 0), List.of());

        Reconciler.Pass pass = genesisVoter.pass(log.image());

        assertThat(pass).isEqualTo(new Reconciler.Pass(0, 1, 0));
        assertThat(replicas.created).containsExactly("rejoining " + gid);
    }

    @Test
    void aWipedDirectoryRejoinsAGroupOlderThanItsRegistrationThatItWasNotAssignedThen() {
        // the wipe case: the old directory may have hosted the group, voted, left the set and destroyed it
        // (its record gone with the disk); the group is not assigned at the new directory's registration,
        // so the loss check does not name it, but its id is at or below the registration's mark
        register(1, 1);
        register(2, 1);
        createTopic("a", 2);
        PartitionInfo genesis = partitionOf("a");
        assertThat(genesis.genesis()).containsExactlyInAnyOrder(1L, 2L);
        setReplicationFactor("a", 1);
        long left = partitionOf("a").replicas().contains(1L) ? 2 : 1;
        LostReplicaCheck check = LostReplicaCheck.pending(left, log, 2, () -> { }, mark -> settles++);
        register(left, 2);
        setReplicationFactor("a", 2);
        createTopic("b", 2);
        setReplicationFactor("b", 1);
        setReplicationFactor("b", 2);
        PartitionInfo a = partitionOf("a");
        PartitionInfo b = partitionOf("b");
        assertThat(a.replicas()).contains(left);
        assertThat(b.genesis()).contains(left);
        assertThat(b.epoch()).isGreaterThan(Reconciler.GENESIS_EPOCH);
        assertThat(check.lost()).doesNotContain(a.groupId());
        Reconciler wiped = new Reconciler(left, replicas, () -> check, List.of());

        Reconciler.Pass pass = wiped.pass(log.image());

        // "b" was created after the registration: no directory of node `left` hosted it before, so its
        // genesis voter votes although the replica set changed
        assertThat(replicas.created).containsExactly("rejoining " + a.groupId(), "plain " + b.groupId());
        assertThat(pass).isEqualTo(new Reconciler.Pass(1, 1, 0));
        assertThat(check.groupIdMark()).isEqualTo(a.groupId());
        assertThat(settles).isEqualTo(1);
    }

    @Test
    void theRecordsOfDestroyedReplicasOfDeletedTopicsAreDropped() {
        register(1, 1);
        createTopic("gone", 1);
        createTopic("kept", 1);
        long gone = groupOf("gone");
        long kept = groupOf("kept");
        replicas.hosted.add(kept);
        replicas.destroyed.addAll(List.of(gone, kept, kept + 1));
        deleteTopic("gone");

        settledSince(0).pass(log.image());

        // kept + 1: above this image's high-water mark, so not deleted as far as it knows
        assertThat(replicas.destroyed).containsExactly(kept, kept + 1);
    }

    @Test
    void anUnassignedGenesisVoterThatNeverHostedTheGroupCreatesAPlainReplicaSoTheGroupCanElect() {
        // seed 696 of the simulator's metadata workload (one group): a replica set of two genesis voters
        // shrank to one before the other created its replica; the one left needs the other's vote for the
        // group's first leader, and a node no longer assigned created nothing
        register(1, 1);
        register(2, 1);
        createTopic("a", 2);
        setReplicationFactor("a", 1);
        PartitionInfo p = partitionOf("a");
        long left = p.replicas().contains(1L) ? 2 : 1;
        assertThat(p.genesis()).contains(left);
        Reconciler never = new Reconciler(left, replicas, () -> LostReplicaCheck.settled(left, 0), List.of());

        Reconciler.Pass pass = never.pass(log.image());

        assertThat(pass).isEqualTo(new Reconciler.Pass(0, 0, 0, 1));
        assertThat(replicas.created).containsExactly("plain " + p.groupId());
    }

    @Test
    void anUnassignedGenesisVoterThatMayHaveHostedTheGroupCreatesNothing() {
        register(1, 1);
        register(2, 1);
        createTopic("a", 2);
        setReplicationFactor("a", 1);
        PartitionInfo p = partitionOf("a");
        long left = p.replicas().contains(1L) ? 2 : 1;
        Reconciler olderThanItsDirectory = new Reconciler(left, replicas,
                () -> LostReplicaCheck.settled(left, p.groupId()), List.of());
        replicas.destroyed.add(p.groupId());
        Reconciler destroyedIt = new Reconciler(left, replicas, () -> LostReplicaCheck.settled(left, 0), List.of());

        assertThat(destroyedIt.pass(log.image())).isEqualTo(new Reconciler.Pass(0, 0, 0, 0));
        replicas.destroyed.clear();
        assertThat(olderThanItsDirectory.pass(log.image())).isEqualTo(new Reconciler.Pass(0, 0, 0, 0));
        assertThat(replicas.created).isEmpty();
    }
}
