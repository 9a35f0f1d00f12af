package io.conclave.server.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.server.node.ConclaveNode;
import io.conclave.server.partition.PartitionCommand.StoredRecord;
import io.conclave.server.replication.ReplicationManager.Appended;
import io.conclave.server.replication.ReplicationManager.Batch;
import io.conclave.server.replication.ReplicationManager.ReplicationStatus;
import io.conclave.server.support.LocalCluster;
import io.conclave.server.support.RawClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReplicationManager} on three real nodes: what it writes, what it refuses, what it reports. */
class ReplicationManagerTest {

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static RawClient client;

    @BeforeAll
    static void startCluster() {
        cluster = new LocalCluster(dir, 3);
        for (long id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        cluster.awaitReady(Duration.ofSeconds(60));
        client = new RawClient(cluster);
        client.createTopic("payments", 2, 3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static StoredRecord record(String value) {
        return new StoredRecord(null, value.getBytes(StandardCharsets.UTF_8), 1L, List.of());
    }

    private static StoredRecord keyed(String key, String value) {
        return new StoredRecord(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), 1L,
                List.of());
    }

    private static ConclaveNode leader(int partition) {
        return cluster.node(client.leaderOf("payments", partition));
    }

    private static ConclaveNode follower(int partition) {
        long leader = client.leaderOf("payments", partition);
        return cluster.node(leader == 1 ? 2 : 1);
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static ErrorCode failure(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ApiErrors.codeOf(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("expected an API error, got " + e, e);
        }
        throw new AssertionError("expected an API error, the call succeeded");
    }

    @Test
    void messagesAtEveryLevelLandAtConsecutiveOffsetsAndEveryReplicaCatchesUp() throws Exception {
        ReplicationManager rm = LocalCluster.Await.result(Duration.ofSeconds(30), () -> leader(0).replication(),
                "a leader of payments/0");
        List<Long> offsets = new ArrayList<>();
        for (ConsistencyLevel level : List.of(ConsistencyLevel.STRONG, ConsistencyLevel.LINEARIZABLE,
                ConsistencyLevel.EVENTUAL, ConsistencyLevel.CONSISTENCY_UNSPECIFIED)) {
            Appended a = await(rm.replicateMessage("payments", 0, record("m-" + level), level));
            assertThat(a.partition()).isZero();
            assertThat(a.count()).isEqualTo(1);
            assertThat(a.duplicate()).isFalse();
            offsets.add(a.baseOffset());
        }
        for (int i = 1; i < offsets.size(); i++) {
            assertThat(offsets.get(i)).isEqualTo(offsets.get(i - 1) + 1);
        }
        LocalCluster.Await.until(Duration.ofSeconds(30), () -> {
            try {
                ReplicationStatus st = await(leader(0).replication().getReplicationStatus("payments", 0));
                return st.replicas().size() == 3 && st.replicas().stream().allMatch(r -> r.voter() && r.lagEntries() == 0);
            } catch (Exception e) {
                return false;
            }
        }, () -> "every replica of payments/0 caught up");
    }

    @Test
    void aRetriedIdempotentBatchIsAnsweredWithItsFirstOffsetAndNotWrittenTwice() throws Exception {
        ReplicationManager rm = leader(1).replication();
        Batch batch = new Batch("payments", 1, List.of(record("a"), record("b"), record("c")), ConsistencyLevel.STRONG,
                77, 0);
        Appended first = await(rm.replicateBatch(batch));
        Appended retry = await(rm.replicateBatch(batch));
        assertThat(first.duplicate()).isFalse();
        assertThat(first.count()).isEqualTo(3);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.baseOffset()).isEqualTo(first.baseOffset());
        Appended next = await(rm.replicateBatch(new Batch("payments", 1, List.of(record("d")), ConsistencyLevel.STRONG,
                77, 1)));
        assertThat(next.baseOffset()).isEqualTo(first.baseOffset() + 3);
    }

    @Test
    void aKeyedMessageGoesToThePartitionOwningItsHash() throws Exception {
        ConclaveNode any = cluster.node(1);
        Appended a;
        try {
            a = await(any.replication().replicateMessage("payments", ReplicationManager.BY_KEY, keyed("k-1", "v"),
                    ConsistencyLevel.STRONG));
        } catch (ExecutionException e) {
            // node 1 does not lead the key's partition: the error names the partition's leader
            assertThat(ApiErrors.codeOf(e.getCause())).isEqualTo(ErrorCode.NOT_LEADER);
            a = await(cluster.node(ApiErrors.leaderOf(e.getCause())).replication().replicateMessage("payments",
                    ReplicationManager.BY_KEY, keyed("k-1", "v"), ConsistencyLevel.STRONG));
        }
        Appended again = await(cluster.node(a.leaderNode()).replication().replicateMessage("payments",
                ReplicationManager.BY_KEY, keyed("k-1", "w"), ConsistencyLevel.STRONG));
        assertThat(again.partition()).isEqualTo(a.partition());
        assertThat(again.baseOffset()).isEqualTo(a.baseOffset() + 1);
    }

    @Test
    void aFollowerRefusesWritesAndStatusNamingTheLeader() {
        ConclaveNode f = follower(0);
        CompletableFuture<Appended> w = f.replication().replicateMessage("payments", 0, record("x"),
                ConsistencyLevel.STRONG);
        assertThat(failure(w)).isIn(ErrorCode.NOT_LEADER, ErrorCode.LEADER_NOT_AVAILABLE);
        assertThatThrownBy(() -> await(f.replication().getReplicationStatus("payments", 0)))
                .hasCauseInstanceOf(io.grpc.StatusRuntimeException.class);
        // The follower names the leader it knows; between a liveness suspicion and the next heartbeat it
        // knows none (0), so ask again, with a bound, until it names one.
        long named = LocalCluster.Await.result(Duration.ofSeconds(30), () -> {
            try {
                await(f.replication().getReplicationStatus("payments", 0));
                throw new AssertionError("a follower answered a replication status");
            } catch (ExecutionException e) {
                long leader = ApiErrors.leaderOf(e.getCause());
                return leader == 0 ? null : leader;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the follower's refusal names a leader");
        assertThat(named).isEqualTo(client.leaderOf("payments", 0));
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsProposed() throws Exception {
        ConclaveNode l = leader(0);
        ReplicationManager rm = l.replication();
        long before = nextOffset(l, 0);
        assertThat(failure(rm.replicateMessage("no-such-topic", 0, record("x"), ConsistencyLevel.STRONG)))
                .isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        assertThat(failure(rm.replicateMessage("bad name!", 0, record("x"), ConsistencyLevel.STRONG)))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(failure(rm.replicateMessage("payments", 9, record("x"), ConsistencyLevel.STRONG)))
                .isEqualTo(ErrorCode.UNKNOWN_PARTITION);
        assertThat(failure(rm.replicateBatch(new Batch("payments", 0, List.of(), ConsistencyLevel.STRONG, 0, 0))))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(failure(rm.replicateMessage("payments", ReplicationManager.BY_KEY, record("unkeyed"),
                ConsistencyLevel.STRONG))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(failure(rm.replicateBatch(new Batch("payments", 0, List.of(record("x")), ConsistencyLevel.STRONG,
                -5, 0)))).isEqualTo(ErrorCode.INVALID_REQUEST);
        StoredRecord huge = new StoredRecord(null, new byte[(1 << 20) + 1], 1L, List.of());
        assertThat(failure(rm.replicateMessage("payments", 0, huge, ConsistencyLevel.STRONG)))
                .isEqualTo(ErrorCode.RECORD_TOO_LARGE);
        assertThat(nextOffset(l, 0)).isEqualTo(before);
    }

    @Test
    void replicationFactorChangesGoThroughTheControllerAndBadFactorsAreRefused() throws Exception {
        ConclaveNode controller = LocalCluster.Await.result(Duration.ofSeconds(30), () -> cluster.nodes().values()
                .stream().filter(n -> n.controllerOps().isLeader()).findFirst().orElse(null), "a controller leader");
        ConclaveNode other = cluster.nodes().values().stream().filter(n -> n != controller).findFirst().orElseThrow();
        assertThat(failure(other.replication().setReplicationFactor("payments", 3)))
                .isEqualTo(ErrorCode.NOT_CONTROLLER);
        assertThat(failure(controller.replication().setReplicationFactor("payments", 0)))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(failure(controller.replication().setReplicationFactor("payments", 4)))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(failure(controller.replication().setReplicationFactor("no-such-topic", 3)))
                .isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        assertThat(await(controller.replication().setReplicationFactor("payments", 3)).replicationFactor()).isEqualTo(3);
    }

    private static long nextOffset(ConclaveNode n, int partition) {
        long topicId = n.image().topic("payments").orElseThrow().topicId();
        long group = n.image().partitions(topicId).stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow().groupId();
        return n.stateMachine().partition(group).nextOffset();
    }
}
