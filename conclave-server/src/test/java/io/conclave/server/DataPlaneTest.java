package io.conclave.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.CreateTopicRequest;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.api.proto.Record;
import io.conclave.api.proto.ReplicationStatusRequest;
import io.conclave.api.proto.ReplicationStatusResponse;
import io.conclave.api.proto.SetReplicationFactorRequest;
import io.conclave.server.support.LocalCluster;
import io.conclave.server.support.RawClient;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes on loopback: topics, produce and fetch at every consistency level, idempotence, bad input. */
class DataPlaneTest {

    @TempDir
    Path dir;

    private LocalCluster cluster;
    private RawClient client;

    @BeforeEach
    void startCluster() {
        cluster = LocalCluster.startedThree(dir);
        client = new RawClient(cluster);
        createTopic("orders", 3, 3);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private void createTopic(String name, int partitions, int rf) {
        client.createTopic(name, partitions, rf);
    }

    @Test
    void producedRecordsAreReadBackAtEveryConsistencyLevelWithDenseOffsets() {
        List<String> written = new ArrayList<>();
        int seq = 0;
        for (ConsistencyLevel level : List.of(ConsistencyLevel.STRONG, ConsistencyLevel.LINEARIZABLE,
                ConsistencyLevel.EVENTUAL)) {
            for (int i = 0; i < 5; i++) {
                String a = level + "-" + i + "a";
                String b = level + "-" + i + "b";
                ProduceResponse r = client.produce("orders", 0, level, 42, seq++, a, b);
                assertThat(r.getBaseOffset()).isEqualTo(written.size());
                written.add(a);
                written.add(b);
            }
        }
        long leader = client.leaderOf("orders", 0);
        // EVENTUAL writes were acknowledged on the leader's append: they become readable once committed.
        LocalCluster.Await.until(Duration.ofSeconds(20),
                () -> client.readAll(leader, "orders", 0, ConsistencyLevel.LINEARIZABLE).equals(written),
                () -> "every write readable at LINEARIZABLE");
        assertThat(client.readAll(leader, "orders", 0, ConsistencyLevel.STRONG)).isEqualTo(written);
        for (long id = 1; id <= 3; id++) {
            long node = id;
            LocalCluster.Await.until(Duration.ofSeconds(20),
                    () -> client.readAll(node, "orders", 0, ConsistencyLevel.EVENTUAL).equals(written),
                    () -> "node " + node + " serves every record at EVENTUAL");
        }
        FetchResponse eventual = cluster.call(1, ConclaveGrpc.FETCH, FetchRequest.newBuilder().setTopic("orders")
                .setPartition(0).setOffset(3).setMaxBytes(1).setConsistency(ConsistencyLevel.EVENTUAL).build());
        assertThat(eventual.getRecordsCount()).as("a tiny max_bytes still returns one record").isEqualTo(1);
        assertThat(eventual.getRecords(0).getOffset()).isEqualTo(3);
        assertThat(eventual.getServedByNode()).isEqualTo(1);
    }

    @Test
    void aRetriedBatchIsWrittenOnceAndAnsweredWithItsOriginalOffset() {
        ProduceResponse first = client.produce("orders", 1, ConsistencyLevel.STRONG, 7, 0, "x", "y");
        client.produce("orders", 1, ConsistencyLevel.STRONG, 7, 1, "z");
        ProduceResponse retry = client.produce("orders", 1, ConsistencyLevel.STRONG, 7, 0, "x", "y");
        assertThat(retry.getDuplicate()).isTrue();
        assertThat(retry.getBaseOffset()).isEqualTo(first.getBaseOffset());
        long leader = client.leaderOf("orders", 1);
        assertThat(client.readAll(leader, "orders", 1, ConsistencyLevel.LINEARIZABLE)).containsExactly("x", "y", "z");
        assertThatThrownBy(() -> client.produce("orders", 1, ConsistencyLevel.STRONG, 7, 5, "gap"))
                .satisfies(e -> assertThat(ApiErrors.codeOf(e)).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE))
                .hasMessageContaining("2 was expected");
    }

    @Test
    void keyedRecordsGoToThePartitionOwningTheirHashAndReplicasAgree() {
        for (int i = 0; i < 30; i++) {
            ProduceRequest req = ProduceRequest.newBuilder().setTopic("orders").setPartition(-1)
                    .setConsistency(ConsistencyLevel.STRONG).addRecords(Record.newBuilder().setHasKey(true)
                            .setKey(ByteString.copyFromUtf8("key-" + i)).setValue(ByteString.copyFromUtf8("v" + i)))
                    .build();
            client.produce(req, Duration.ofSeconds(30));
        }
        long total = 0;
        for (int p = 0; p < 3; p++) {
            int part = p;
            LocalCluster.Await.until(Duration.ofSeconds(20), () -> digests(part).values().stream().distinct().count() == 1,
                    () -> "replicas of orders/" + part + " agree: " + digests(part));
            total += digests(p).values().iterator().next().get(0);
        }
        assertThat(total).isEqualTo(30);
    }

    private Map<Long, List<Long>> digests(int partition) {
        return client.digests("orders", partition);
    }

    @Test
    void aLiveTopicsReplicationFactorGrowsAndShrinksThroughMembershipChanges() {
        createTopic("grow", 1, 1);
        for (int i = 0; i < 10; i++) {
            client.produce("grow", 0, ConsistencyLevel.STRONG, 5, i, "g" + i);
        }
        LocalCluster.Await.result(Duration.ofSeconds(30), () -> controllerCall(ConclaveGrpc.SET_REPLICATION_FACTOR,
                SetReplicationFactorRequest.newBuilder().setTopic("grow").setReplicationFactor(3).build()), "rf 3");
        LocalCluster.Await.until(Duration.ofSeconds(60), () -> {
            Map<Long, List<Long>> d;
            try {
                d = client.digests("grow", 0);
            } catch (StatusRuntimeException e) {
                return false; // a node has not created its new replica yet
            }
            return d.size() == 3 && d.values().stream().allMatch(v -> v.get(0) == 10L)
                    && new java.util.HashSet<>(d.values()).size() == 1;
        }, () -> "three replicas with the same ten records");
        LocalCluster.Await.until(Duration.ofSeconds(60), () -> voters("grow") == 3, () -> "three voters");
        client.produce("grow", 0, ConsistencyLevel.STRONG, 5, 10, "g10");
        LocalCluster.Await.result(Duration.ofSeconds(30), () -> controllerCall(ConclaveGrpc.SET_REPLICATION_FACTOR,
                SetReplicationFactorRequest.newBuilder().setTopic("grow").setReplicationFactor(2).build()), "rf 2");
        LocalCluster.Await.until(Duration.ofSeconds(60), () -> voters("grow") == 2, () -> "two voters");
        client.produce("grow", 0, ConsistencyLevel.STRONG, 5, 11, "g11");
        assertThat(client.readAll(client.leaderOf("grow", 0), "grow", 0, ConsistencyLevel.LINEARIZABLE))
                .hasSize(12).startsWith("g0").endsWith("g11");
    }

    private long voters(String topic) {
        long leader = client.leaderOf(topic, 0);
        if (leader == 0) {
            return -1;
        }
        ReplicationStatusResponse st = cluster.call(leader, ConclaveGrpc.REPLICATION_STATUS,
                ReplicationStatusRequest.newBuilder().setTopic(topic).setPartition(0).build());
        return st.getReplicasList().stream().filter(r -> r.getVoter()).count();
    }

    private <Q, R> R controllerCall(io.grpc.MethodDescriptor<Q, R> method, Q request) {
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
    }

    @Test
    void badInputGetsAClearStatusAndChangesNothing() {
        expect(() -> cluster.call(1, ConclaveGrpc.PRODUCE, ProduceRequest.newBuilder().setTopic("nope")
                .addRecords(RawClient.record("v")).build()), ErrorCode.UNKNOWN_TOPIC, "no topic named 'nope'");
        expect(() -> cluster.call(1, ConclaveGrpc.PRODUCE, ProduceRequest.newBuilder().setTopic("bad name!")
                .addRecords(RawClient.record("v")).build()), ErrorCode.INVALID_REQUEST, "topic name");
        expect(() -> cluster.call(1, ConclaveGrpc.PRODUCE, ProduceRequest.newBuilder().setTopic("orders")
                .setPartition(0).build()), ErrorCode.INVALID_REQUEST, "at least one record");
        expect(() -> cluster.call(1, ConclaveGrpc.PRODUCE, ProduceRequest.newBuilder().setTopic("orders")
                .setPartition(9).addRecords(RawClient.record("v")).build()), ErrorCode.UNKNOWN_PARTITION, "no partition 9");
        expect(() -> cluster.call(1, ConclaveGrpc.PRODUCE, ProduceRequest.newBuilder().setTopic("orders")
                .setPartition(0).addRecords(Record.newBuilder().setValue(ByteString.copyFrom(new byte[2 << 20])))
                .build()), ErrorCode.RECORD_TOO_LARGE, "max.message.bytes");
        expect(() -> cluster.call(1, ConclaveGrpc.FETCH, FetchRequest.newBuilder().setTopic("orders").setPartition(0)
                .setOffset(1_000).setConsistency(ConsistencyLevel.EVENTUAL).build()), ErrorCode.OFFSET_OUT_OF_RANGE,
                "past the high watermark");
        // Validation runs on the controller leader (any other node answers NOT_CONTROLLER first).
        long[] leader = {0};
        LocalCluster.Await.until(Duration.ofSeconds(30), () -> (leader[0] = cluster.node(1).runtime()
                .leaderOf(io.conclave.server.node.NodeStateMachine.CONTROLLER_GROUP).node()) != 0,
                () -> "a known controller leader");
        long controller = leader[0];
        expect(() -> cluster.call(controller, ConclaveGrpc.CREATE_TOPIC, CreateTopicRequest.newBuilder().setName("t")
                .setPartitions(0).setReplicationFactor(1).build()), null, "partitions must be between");
        for (long id = 1; id <= 3; id++) {
            assertThat(cluster.node(id).runtime().failure()).isNull();
        }
        assertThat(client.readAll(client.leaderOf("orders", 0), "orders", 0, ConsistencyLevel.LINEARIZABLE)).isEmpty();
    }

    private static void expect(Runnable call, ErrorCode code, String message) {
        assertThatThrownBy(call::run).isInstanceOf(StatusRuntimeException.class).hasMessageContaining(message)
                .satisfies(e -> {
                    if (code != null) {
                        assertThat(ApiErrors.codeOf(e)).isEqualTo(code);
                    }
                });
    }
}
