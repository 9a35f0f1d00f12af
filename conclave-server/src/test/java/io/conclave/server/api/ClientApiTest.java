package io.conclave.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.api.proto.InitProducerRequest;
import io.conclave.api.proto.InitProducerResponse;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.api.proto.Record;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicConfig;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.PartitionState;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.raft.ReadMode;
import io.conclave.raft.storage.MemoryStorage;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.server.node.ServingNode;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.partition.Producing;
import io.conclave.server.replication.NodeReplication;
import io.conclave.server.replication.ReplicationManager;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientApi} over a {@link ServingNode} that is not a {@code ConclaveNode}: what the handlers refuse
 * before anything reaches a replica, and that the time and ids they use come from the node (as the
 * simulator needs; docs/simulation.md, "The request handlers under the simulator").
 */
class ClientApiTest {

    /** Node 1: topic {@code t} has partition 0 (group 10, on nodes 2 and 3) and partition 1 (group 11, here). */
    private final FakeNode node = new FakeNode();
    private final ClientApi api = new ClientApi(node);

    @Test
    void aProduceForAPartitionThisNodeDoesNotHostNamesAReplicaThatDoes() {
        Throwable e = produceError(request("t", 0).build());

        assertThat(ApiErrors.codeOf(e)).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(ApiErrors.leaderOf(e)).isEqualTo(2);
    }

    @Test
    void badProducesAreRefusedWithTheirOwnCodes() {
        assertThat(ApiErrors.codeOf(produceError(request("nope", 1).build()))).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        assertThat(ApiErrors.codeOf(produceError(request("t", 7).build()))).isEqualTo(ErrorCode.UNKNOWN_PARTITION);
        assertThat(ApiErrors.codeOf(produceError(request("t", 1).clearRecords().build())))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        ProduceRequest tooLarge = request("t", 1).clearRecords()
                .addRecords(Record.newBuilder().setValue(ByteString.copyFrom(new byte[2048]))).build();
        assertThat(ApiErrors.codeOf(produceError(tooLarge))).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
    }

    @Test
    void aFetchBeforeOffsetZeroOrOfAPartitionNotHostedHereIsRefused() {
        Answer<FetchResponse> negative = new Answer<>();
        api.fetch(FetchRequest.newBuilder().setTopic("t").setPartition(1).setOffset(-1).build(), negative);
        assertThat(ApiErrors.codeOf(negative.error())).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);

        Answer<FetchResponse> elsewhere = new Answer<>();
        api.fetch(FetchRequest.newBuilder().setTopic("t").setPartition(0).build(), elsewhere);
        assertThat(ApiErrors.codeOf(elsewhere.error())).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(ApiErrors.leaderOf(elsewhere.error())).isEqualTo(2);
    }

    @Test
    void aLongPollAtTheEndOfTheLogWaitsThroughTheNodeAndAnswersTheHighWatermark() {
        Answer<FetchResponse> poll = new Answer<>();
        api.fetch(FetchRequest.newBuilder().setTopic("t").setPartition(1).setOffset(0).setMaxWaitMs(250)
                .setConsistency(ConsistencyLevel.LINEARIZABLE).build(), poll);

        assertThat(node.barriers).containsExactly(ReadMode.READ_INDEX);
        assertThat(node.waitsMs).containsExactly(250L);
        assertThat(poll.value().getRecordsCount()).isZero();
        assertThat(poll.value().getHighWatermark()).isZero();
        assertThat(poll.value().getServedByNode()).isEqualTo(1);
    }

    @Test
    void aProducerIdComesFromTheNode() {
        Answer<InitProducerResponse> a = new Answer<>();
        api.initProducer(InitProducerRequest.getDefaultInstance(), a);

        assertThat(a.value().getProducerId()).isEqualTo(4242);
    }

    private Throwable produceError(ProduceRequest req) {
        Answer<ProduceResponse> a = new Answer<>();
        api.produce(req, a);
        return a.error();
    }

    private static ProduceRequest.Builder request(String topic, int partition) {
        return ProduceRequest.newBuilder().setTopic(topic).setPartition(partition)
                .setConsistency(ConsistencyLevel.STRONG)
                .addRecords(Record.newBuilder().setValue(ByteString.copyFromUtf8("v")));
    }

    /** A handler's answer: exactly one value then completion, or one error. */
    private static final class Answer<T> implements StreamObserver<T> {
        private final List<T> values = new ArrayList<>();
        private Throwable error;
        private boolean completed;

        @Override
        public void onNext(T v) {
            values.add(v);
        }

        @Override
        public void onError(Throwable t) {
            assertThat(error).as("a second error").isNull();
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        T value() {
            assertThat(error).as("error").isNull();
            assertThat(completed).isTrue();
            assertThat(values).hasSize(1);
            return values.get(0);
        }

        Throwable error() {
            assertThat(values).isEmpty();
            assertThat(error).as("an error").isNotNull();
            return error;
        }
    }

    /** Node 1 of a three-node image; answers everything at once, on the calling thread. */
    private static final class FakeNode implements ServingNode {
        private final PartitionLog hosted = new PartitionLog(11, g -> { });
        private final RaftStorage raftLog = new MemoryStorage();
        private final NodeReplication replication = new NodeReplication(this);
        private final List<ReadMode> barriers = new ArrayList<>();
        private final List<Long> waitsMs = new ArrayList<>();

        @Override
        public long nodeId() {
            return 1;
        }

        @Override
        public String clusterId() {
            return "test";
        }

        @Override
        public ClusterImage image() {
            List<PartitionInfo> ps = List.of(
                    new PartitionInfo(1, 0, 10, 0, Long.MIN_VALUE, List.of(2L, 3L), PartitionState.ACTIVE, 1,
                            List.of(2L, 3L)),
                    new PartitionInfo(1, 1, 11, Long.MIN_VALUE, -1, List.of(1L, 2L), PartitionState.ACTIVE, 1,
                            List.of(1L, 2L)));
            TreeMap<Long, TopicInfo> topics = new TreeMap<>(Map.of(1L,
                    new TopicInfo(1, "t", 2, 2, Map.of(TopicConfig.MAX_MESSAGE_BYTES, "1024"))));
            return new ClusterImage(5, new TreeMap<>(), topics, new TreeMap<>(Map.of(1L, ps)), 1, 11);
        }

        @Override
        public Producing producing() {
            throw new AssertionError("a refused request reached the produce path");
        }

        @Override
        public ReplicationManager replication() {
            return replication;
        }

        @Override
        public boolean hostsGroup(long groupId) {
            return groupId == 11;
        }

        @Override
        public LeaderTable.Leader leaderOf(long groupId) {
            return LeaderTable.Leader.NONE;
        }

        @Override
        public CompletableFuture<Long> read(long groupId, ReadMode mode) {
            barriers.add(mode);
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public CompletableFuture<GroupStatus> status(long groupId) {
            return CompletableFuture.failedFuture(new AssertionError("no status asked of a non-eventual fetch"));
        }

        @Override
        public CompletableFuture<GroupStatus.WithProgress> statusWithProgress(long groupId) {
            return CompletableFuture.failedFuture(new AssertionError("not asked"));
        }

        @Override
        public PartitionLog partition(long groupId) {
            assertThat(groupId).isEqualTo(11);
            return hosted;
        }

        @Override
        public RaftStorage raftLog(long groupId) {
            return groupId == 11 ? raftLog : null;
        }

        @Override
        public CompletableFuture<ClusterImage> executeOnController(
                Function<ClusterImage, ControllerResult<MetadataError>> op) {
            return CompletableFuture.failedFuture(new AssertionError("not asked"));
        }

        @Override
        public Executor readers() {
            return Runnable::run;
        }

        @Override
        public <T> CompletableFuture<T> withinRequestTimeout(CompletableFuture<T> f) {
            return f;
        }

        @Override
        public <T> CompletableFuture<T> completeAfter(CompletableFuture<T> f, T value, long ms) {
            waitsMs.add(ms);
            f.complete(value);
            return f;
        }

        @Override
        public long wallClockMs() {
            return 1_000;
        }

        @Override
        public long newProducerId() {
            return 4242;
        }
    }
}
