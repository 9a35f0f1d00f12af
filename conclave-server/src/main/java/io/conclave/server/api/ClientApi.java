package io.conclave.server.api;

import com.google.protobuf.ByteString;
import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.api.proto.FetchedRecord;
import io.conclave.api.proto.Header;
import io.conclave.api.proto.InitProducerRequest;
import io.conclave.api.proto.InitProducerResponse;
import io.conclave.api.proto.MetadataRequest;
import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.api.proto.Record;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.PartitionInfo;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.raft.ReadMode;
import io.conclave.server.node.Errors;
import io.conclave.server.node.ServingNode;
import io.conclave.server.partition.PartitionCommand;
import io.conclave.server.partition.PartitionLog;
import io.conclave.server.partition.PartitionReader;
import io.conclave.server.replication.NodeReplication;
import io.conclave.server.replication.ReplicationManager;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ClientService} on a node: produce (on the partition's leader), fetch (at the requested
 * consistency level), metadata and producer ids. Requests are validated before anything is
 * proposed; every failure is a status with a message (see {@link ApiErrors}).
 */
public final class ClientApi implements ConclaveGrpc.ClientHandler {

    static final int FETCH_BYTES_DEFAULT = 1 << 20;
    static final int FETCH_BYTES_MAX = 8 << 20;
    static final int FETCH_WAIT_MS_MAX = 30_000;
    /** The largest request or response on the client port. */
    public static final int MESSAGE_BYTES_MAX = 12 << 20;

    private final ServingNode node;

    public ClientApi(ServingNode node) {
        this.node = node;
    }

    // ================================ produce ================================

    @Override
    public void produce(ProduceRequest req, StreamObserver<ProduceResponse> response) {
        if (req.getRecordsCount() > NodeReplication.BATCH_RECORDS_MAX) {
            // refused before converting: the conversion would copy every record first
            response.onError(ApiErrors.error(ErrorCode.INVALID_REQUEST, "a batch holds at most "
                    + NodeReplication.BATCH_RECORDS_MAX + " records, this one " + req.getRecordsCount()));
            return;
        }
        List<PartitionCommand.StoredRecord> records = new ArrayList<>(req.getRecordsCount());
        long now = node.wallClockMs();
        for (Record r : req.getRecordsList()) {
            List<PartitionCommand.Header> headers = new ArrayList<>(r.getHeadersCount());
            for (Header h : r.getHeadersList()) {
                headers.add(new PartitionCommand.Header(h.getKey(), h.getValue().toByteArray()));
            }
            records.add(new PartitionCommand.StoredRecord(r.getHasKey() ? r.getKey().toByteArray() : null,
                    r.getValue().toByteArray(), r.getTimestampMs() > 0 ? r.getTimestampMs() : now, headers));
        }
        ReplicationManager.Batch batch = new ReplicationManager.Batch(req.getTopic(), req.getPartition(), records,
                req.getConsistency(), req.getProducerId(), req.getSequence());
        node.replication().replicateBatch(batch).whenComplete((a, err) -> {
            if (err != null) {
                response.onError(Errors.toStatus(err));
            } else {
                response.onNext(ProduceResponse.newBuilder().setPartition(a.partition()).setBaseOffset(a.baseOffset())
                        .setDuplicate(a.duplicate()).setLeaderNode(a.leaderNode()).build());
                response.onCompleted();
            }
        });
    }

    // ================================ fetch ================================

    @Override
    public void fetch(FetchRequest req, StreamObserver<FetchResponse> response) {
        try {
            ClusterImage img = node.image();
            TopicInfo topic = Lookup.topic(img, req.getTopic());
            PartitionInfo p = Lookup.partition(img, topic, req.getPartition());
            if (req.getOffset() < 0) {
                throw ApiErrors.error(ErrorCode.OFFSET_OUT_OF_RANGE, "offset must be >= 0, was " + req.getOffset());
            }
            if (req.getMaxBytes() < 0 || req.getMaxWaitMs() < 0) {
                throw ApiErrors.error(ErrorCode.INVALID_REQUEST, "max_bytes and max_wait_ms must be >= 0");
            }
            if (!node.hostsGroup(p.groupId())) {
                long leader = p.replicas().isEmpty() ? 0 : p.replicas().get(0);
                throw ApiErrors.error(ErrorCode.NOT_LEADER, "node " + node.nodeId() + " has no replica of "
                        + topic.name() + "/" + p.partition(), leader);
            }
            CompletableFuture<Long> barrier;
            switch (req.getConsistency()) {
                case EVENTUAL:
                    barrier = CompletableFuture.completedFuture(0L);
                    break;
                case LINEARIZABLE:
                    barrier = node.read(p.groupId(), ReadMode.READ_INDEX);
                    break;
                default:
                    barrier = node.read(p.groupId(), ReadMode.LEASE);
                    break;
            }
            int maxBytes = req.getMaxBytes() == 0 ? FETCH_BYTES_DEFAULT : Math.min(req.getMaxBytes(), FETCH_BYTES_MAX);
            int waitMs = Math.min(req.getMaxWaitMs(), FETCH_WAIT_MS_MAX);
            PartitionLog log = node.partition(p.groupId());
            // The barrier completes on an event loop and a long poll's wake-up on an applier: hop to
            // the readers before touching the log, so neither ever does a fetch's disk reads.
            node.withinRequestTimeout(barrier)
                    .thenComposeAsync(ignored -> awaitData(log, req.getOffset(), waitMs), node.readers())
                    .thenComposeAsync(ignored -> lag(req.getConsistency(), p.groupId()), node.readers())
                    .whenCompleteAsync((lag, err) -> {
                        if (err != null) {
                            response.onError(Errors.toStatus(err));
                            return;
                        }
                        try {
                            response.onNext(read(p.groupId(), log, req.getOffset(), maxBytes, lag));
                            response.onCompleted();
                        } catch (RuntimeException e) {
                            response.onError(Errors.toStatus(e));
                        }
                    }, node.readers());
        } catch (RuntimeException e) {
            response.onError(Errors.toStatus(e));
        }
    }

    private CompletableFuture<Void> awaitData(PartitionLog log, long offset, int waitMs) {
        if (waitMs == 0 || log.nextOffset() > offset) {
            return CompletableFuture.completedFuture(null);
        }
        return node.completeAfter(log.awaitBeyond(offset), null, waitMs);
    }

    private CompletableFuture<Long> lag(ConsistencyLevel level, long groupId) {
        if (level != ConsistencyLevel.EVENTUAL) {
            return CompletableFuture.completedFuture(0L);
        }
        return node.status(groupId).thenApply(st -> Math.max(0, st.commitIndex() - st.appliedIndex()))
                .exceptionally(e -> -1L);
    }

    private FetchResponse read(long groupId, PartitionLog log, long offset, int maxBytes, long lag) {
        if (offset > log.nextOffset()) {
            throw ApiErrors.offsetOutOfRange("offset " + offset + " is past the high watermark "
                    + log.nextOffset() + " of this replica", log.logStartOffset());
        }
        io.conclave.raft.storage.RaftStorage raftLog = node.raftLog(groupId);
        if (raftLog == null) { // the replica left this node while the fetch waited (deleted topic, moved replica)
            throw ApiErrors.error(ErrorCode.NOT_LEADER, "node " + node.nodeId() + " no longer has a replica of group "
                    + groupId + "; refresh the metadata");
        }
        PartitionReader.Slice slice = PartitionReader.read(log, raftLog, offset, maxBytes);
        FetchResponse.Builder out = FetchResponse.newBuilder().setHighWatermark(slice.highWatermark())
                .setLogStartOffset(log.logStartOffset()).setServedByNode(node.nodeId()).setLagEntries(lag);
        for (PartitionReader.Fetched f : slice.records()) {
            out.addRecords(FetchedRecord.newBuilder().setOffset(f.offset()).setRecord(toProto(f.record())));
        }
        return out.build();
    }

    static Record toProto(PartitionCommand.StoredRecord r) {
        Record.Builder b = Record.newBuilder().setValue(ByteString.copyFrom(r.value())).setTimestampMs(r.timestampMs());
        if (r.key() != null) {
            b.setHasKey(true).setKey(ByteString.copyFrom(r.key()));
        }
        for (PartitionCommand.Header h : r.headers()) {
            b.addHeaders(Header.newBuilder().setKey(h.key()).setValue(ByteString.copyFrom(h.value())));
        }
        return b.build();
    }

    // ================================ metadata ================================

    @Override
    public void metadata(MetadataRequest req, StreamObserver<MetadataResponse> response) {
        try {
            response.onNext(Lookup.metadata(node, req.getTopicsList()));
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(Errors.toStatus(e));
        }
    }

    @Override
    public void initProducer(InitProducerRequest req, StreamObserver<InitProducerResponse> response) {
        response.onNext(InitProducerResponse.newBuilder().setProducerId(node.newProducerId()).build());
        response.onCompleted();
    }
}
