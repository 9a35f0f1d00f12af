package io.conclave.client;

import static io.conclave.client.ProducerTest.await;
import static io.conclave.client.ProducerTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.TopicMetadata;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminTest {

    private FakeCluster cluster;
    private ConclaveClient client;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        cluster = FakeCluster.start(3);
        client = ConclaveClient.connect(cluster.clientConfig());
        admin = client.admin();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        cluster.close();
    }

    @Test
    void createTopicFollowsTheNotControllerHint() {
        cluster.controller(3, false); // metadata does not name the controller: the first try hits node 1
        TopicMetadata t = admin.createTopic("orders", 4, 3, Map.of("retention.ms", "60000"));
        assertThat(t.getName()).isEqualTo("orders");
        assertThat(t.getPartitionsList()).hasSize(4);
        assertThat(t.getConfigMap()).containsEntry("retention.ms", "60000");
        assertThat(cluster.adminCalls).extracting(FakeCluster.AdminCall::node, FakeCluster.AdminCall::outcome)
                .containsExactly(Tuple.tuple(1L, "NOT_CONTROLLER"), Tuple.tuple(3L, "OK"));
    }

    @Test
    void createTopicGoesStraightToTheControllerTheMetadataNames() {
        cluster.controller(2, true);
        admin.createTopic("orders", 1, 1, Map.of());
        assertThat(cluster.adminCalls).extracting(FakeCluster.AdminCall::node).containsExactly(2L);
    }

    @Test
    void anExistingTopicFailsWithTopicExistsWithoutRetrying() {
        admin.createTopic("orders", 1, 1, Map.of());
        assertThatThrownBy(() -> admin.createTopic("orders", 1, 1, Map.of()))
                .isInstanceOfSatisfying(ConclaveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOPIC_EXISTS));
        assertThat(cluster.adminCalls).hasSize(2);
    }

    @Test
    void invalidArgumentsFailWithInvalidRequest() {
        assertThatThrownBy(() -> admin.createTopic("bad", 0, 1, Map.of()))
                .isInstanceOfSatisfying(ConclaveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    @Test
    void topicsAreListedDescribedAndDeleted() {
        admin.createTopic("b", 2, 2, Map.of());
        admin.createTopic("a", 1, 1, Map.of());
        assertThat(admin.listTopics()).containsExactly("a", "b");
        TopicMetadata b = admin.describeTopic("b");
        assertThat(b.getPartitionsList()).extracting(PartitionMetadata::getReplicasCount).containsOnly(2);
        admin.deleteTopic("a");
        assertThat(admin.listTopics()).containsExactly("b");
        assertThatThrownBy(() -> admin.describeTopic("a"))
                .isInstanceOfSatisfying(ConclaveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
        assertThatThrownBy(() -> admin.deleteTopic("a"))
                .isInstanceOfSatisfying(ConclaveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
    }

    @Test
    void replicationFactorAndStatusesComeBackFromTheCluster() {
        admin.createTopic("t", 2, 1, Map.of());
        assertThat(admin.setReplicationFactor("t", 3).getReplicationFactor()).isEqualTo(3);
        assertThat(admin.clusterStatus()).satisfies(s -> {
            assertThat(s.getClusterId()).isEqualTo(FakeCluster.CLUSTER_ID);
            assertThat(s.getNodesList()).hasSize(3);
            assertThat(s.getTopics()).isEqualTo(1);
            assertThat(s.getPartitions()).isEqualTo(2);
        });
        assertThat(admin.replicationStatus("t", 1).getLeader()).isEqualTo(cluster.leader("t", 1));
    }

    @Test
    void replicaDigestAsksTheNamedNode() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults())) {
            await(p.send("t", utf8("k"), utf8("v")));
        }
        for (long node = 1; node <= 3; node++) {
            assertThat(admin.replicaDigest("t", 0, node)).satisfies(d -> {
                assertThat(d.getNextOffset()).isEqualTo(1);
            }).extracting(d -> d.getNodeId()).isEqualTo(node);
        }
        assertThat(cluster.adminCalls).extracting(FakeCluster.AdminCall::node).containsExactly(1L, 2L, 3L);
        assertThatThrownBy(() -> admin.replicaDigest("t", 0, 9))
                .isInstanceOfSatisfying(ConclaveException.class, e -> assertThat(e).hasMessageContaining("node 9"));
    }

    @Test
    void transferLeaderMovesTheLeaderAndProducersFollow() throws Exception {
        cluster.createTopic("t", 1, 3);
        try (Producer p = client.producer(ProducerConfig.defaults().withLingerMs(0))) {
            await(p.send("t", null, utf8("a")));
            admin.transferLeader("t", 0, 2);
            assertThat(cluster.leader("t", 0)).isEqualTo(2);
            await(p.send("t", null, utf8("b")));
        }
        assertThat(cluster.acceptedProduces()).extracting(FakeCluster.ProduceCall::node).containsExactly(1L, 2L);
    }

    @Test
    void aDeadBootstrapAddressIsSkipped() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        ClientConfig config = ClientConfig.of(List.of("127.0.0.1:" + deadPort, cluster.address(2)))
                .withRetryBackoffMs(5, 50);
        try (ConclaveClient other = ConclaveClient.connect(config)) {
            assertThat(other.nodes()).hasSize(3);
            other.admin().createTopic("t", 1, 1, Map.of());
            assertThat(other.admin().listTopics()).containsExactly("t");
        }
    }

    @Test
    void noReachableNodeFailsWithAClearMessage() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (ConclaveClient other = ConclaveClient.connect(ClientConfig.of("127.0.0.1:" + deadPort)
                .withRetryBackoffMs(1, 5).withRetriesMax(2))) {
            assertThatThrownBy(other::nodes).hasRootCauseInstanceOf(Exception.class)
                    .hasMessageContaining("no node answered Metadata");
        }
    }
}
