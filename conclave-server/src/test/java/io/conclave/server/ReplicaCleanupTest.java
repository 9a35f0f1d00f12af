package io.conclave.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.DeleteTopicRequest;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.SetReplicationFactorRequest;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.server.node.ConclaveNode;
import io.conclave.server.node.NodeStateMachine;
import io.conclave.server.support.LocalCluster;
import io.conclave.server.support.RawClient;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes: replicas of deleted topics and of shrunk replica sets leave the runtime and the disk. */
class ReplicaCleanupTest {

    @TempDir
    Path dir;

    private LocalCluster cluster;
    private RawClient client;

    @BeforeEach
    void startCluster() {
        cluster = LocalCluster.startedThree(dir);
        client = new RawClient(cluster);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private List<Long> groupsOf(String topic) {
        ClusterImage img = cluster.node(1).image();
        long topicId = img.topic(topic).orElseThrow().topicId();
        return img.partitions(topicId).stream().map(PartitionInfo::groupId).toList();
    }

    private Path groupDir(long node, long groupId) {
        return dir.resolve("node-" + node).resolve("raft/storage/groups/" + groupId);
    }

    private boolean hosts(long node, long groupId) {
        ConclaveNode n = cluster.node(node);
        return n.runtime().hostsGroup(groupId) || Files.exists(groupDir(node, groupId))
                || n.stateMachine().hasPartition(groupId);
    }

    private <Q, R> R controllerCall(io.grpc.MethodDescriptor<Q, R> method, Q request) {
        return LocalCluster.Await.result(Duration.ofSeconds(30), () -> {
            for (long id : cluster.nodes().keySet()) {
                try {
                    return cluster.call(id, method, request);
                } catch (StatusRuntimeException e) {
                    if (ApiErrors.codeOf(e) != ErrorCode.NOT_CONTROLLER) {
                        throw e;
                    }
                }
            }
            throw new IllegalStateException("no controller leader");
        }, method.getFullMethodName());
    }

    @Test
    void aDeletedTopicsReplicasLeaveEveryNodeForGoodAndTheNameStartsAfresh() {
        client.createTopic("doomed", 2, 3);
        client.produce("doomed", 0, ConsistencyLevel.STRONG, 7, 0, "a", "b");
        client.produce("doomed", 1, ConsistencyLevel.STRONG, 8, 0, "c");
        List<Long> groups = groupsOf("doomed");
        for (long n = 1; n <= 3; n++) {
            for (long g : groups) {
                assertThat(hosts(n, g)).as("node %d hosts group %d", n, g).isTrue();
            }
        }

        controllerCall(ConclaveGrpc.DELETE_TOPIC, DeleteTopicRequest.newBuilder().setName("doomed").build());

        LocalCluster.Await.until(Duration.ofSeconds(30), () -> cluster.nodes().keySet().stream()
                .allMatch(n -> groups.stream().noneMatch(g -> hosts(n, g))),
                () -> "every node destroyed its replicas of " + groups);
        cluster.stop(2);
        cluster.start(2);
        cluster.awaitReady(Duration.ofSeconds(60));
        for (long n = 1; n <= 3; n++) {
            assertThat(cluster.node(n).runtime().hostsGroup(NodeStateMachine.CONTROLLER_GROUP)).isTrue();
            for (long g : groups) {
                assertThat(hosts(n, g)).as("node %d after node 2's restart, group %d", n, g).isFalse();
            }
            assertThat(cluster.node(n).runtime().failure()).isNull();
        }

        client.createTopic("doomed", 1, 3);
        assertThat(groupsOf("doomed")).doesNotContainAnyElementsOf(groups);
        assertThat(client.produce("doomed", 0, ConsistencyLevel.STRONG, 9, 0, "fresh").getBaseOffset()).isZero();
        assertThat(client.readAll(client.leaderOf("doomed", 0), "doomed", 0, ConsistencyLevel.LINEARIZABLE))
                .containsExactly("fresh");
    }

    /**
     * The removed replica's node is down while its removal commits, so the replica never applies it;
     * back up, its node asks the partition's leader, which no longer lists it, and destroys it.
     */
    @Test
    void aReplicaRemovedWhileItsNodeWasDownIsDestroyedWhenItComesBack() {
        client.createTopic("away", 1, 3);
        client.produce("away", 0, ConsistencyLevel.STRONG, 6, 0, "p", "q");
        long group = groupsOf("away").get(0);
        List<Long> before = cluster.node(1).image().partitions(
                cluster.node(1).image().topic("away").orElseThrow().topicId()).get(0).replicas();
        long away = before.get(before.size() - 1); // a shrink drops the last replica
        long stays = before.get(0);
        cluster.kill(away);

        controllerCall(ConclaveGrpc.SET_REPLICATION_FACTOR,
                SetReplicationFactorRequest.newBuilder().setTopic("away").setReplicationFactor(2).build());
        LocalCluster.Await.until(Duration.ofSeconds(60), () -> {
            try {
                return cluster.call(client.leaderOf("away", 0), ConclaveGrpc.REPLICATION_STATUS,
                        io.conclave.api.proto.ReplicationStatusRequest.newBuilder().setTopic("away").setPartition(0)
                                .build()).getReplicasList().stream().noneMatch(r -> r.getNodeId() == away);
            } catch (RuntimeException e) {
                return false;
            }
        }, () -> "the leader removed node " + away);
        client.produce("away", 0, ConsistencyLevel.STRONG, 6, 1, "r");
        assertThat(Files.exists(groupDir(away, group))).as("the stopped node keeps its replica meanwhile").isTrue();

        cluster.start(away);
        cluster.awaitReady(Duration.ofSeconds(60));
        LocalCluster.Await.until(Duration.ofSeconds(60), () -> !hosts(away, group),
                () -> "node " + away + " destroyed its replica of group " + group);
        assertThat(hosts(stays, group)).isTrue();
        assertThat(client.readAll(client.leaderOf("away", 0), "away", 0, ConsistencyLevel.LINEARIZABLE))
                .containsExactly("p", "q", "r");
    }

    @Test
    void aReplicaRemovedFromItsReplicaSetIsDestroyedOnceItsRemovalIsCommitted() {
        client.createTopic("shrinks", 1, 3);
        client.produce("shrinks", 0, ConsistencyLevel.STRONG, 5, 0, "x", "y");
        long group = groupsOf("shrinks").get(0);

        controllerCall(ConclaveGrpc.SET_REPLICATION_FACTOR,
                SetReplicationFactorRequest.newBuilder().setTopic("shrinks").setReplicationFactor(2).build());

        LocalCluster.Await.until(Duration.ofSeconds(60), () -> cluster.nodes().keySet().stream()
                .filter(n -> hosts(n, group)).count() == 2,
                () -> "exactly two nodes keep a replica of group " + group);
        List<Long> assigned = cluster.node(1).image().partitions(
                cluster.node(1).image().topic("shrinks").orElseThrow().topicId()).get(0).replicas();
        for (long n = 1; n <= 3; n++) {
            assertThat(hosts(n, group)).as("node %d", n).isEqualTo(assigned.contains(n));
            assertThat(cluster.node(n).runtime().hostsGroup(NodeStateMachine.CONTROLLER_GROUP)).isTrue();
        }
        client.produce("shrinks", 0, ConsistencyLevel.STRONG, 5, 1, "z");
        assertThat(client.readAll(client.leaderOf("shrinks", 0), "shrinks", 0, ConsistencyLevel.LINEARIZABLE))
                .containsExactly("x", "y", "z");
    }
}
