package io.conclave.server.support;

import com.google.protobuf.ByteString;
import io.conclave.api.ApiErrors;
import io.conclave.api.ConclaveGrpc;
import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.FetchRequest;
import io.conclave.api.proto.FetchResponse;
import io.conclave.api.proto.FetchedRecord;
import io.conclave.api.proto.MetadataRequest;
import io.conclave.api.proto.MetadataResponse;
import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.ProduceRequest;
import io.conclave.api.proto.ProduceResponse;
import io.conclave.api.proto.Record;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal client over the raw gRPC API for the server's own tests: routes to the leader it
 * learns from errors and metadata, retries retriable errors within a bound.
 */
public final class RawClient {

    private final LocalCluster cluster;

    public RawClient(LocalCluster cluster) {
        this.cluster = cluster;
    }

    public static Record record(String value) {
        return Record.newBuilder().setValue(ByteString.copyFromUtf8(value)).build();
    }

    public static String value(FetchedRecord r) {
        return r.getRecord().getValue().toString(StandardCharsets.UTF_8);
    }

    public long leaderOf(String topic, int partition) {
        for (long id : cluster.nodes().keySet()) {
            try {
                MetadataResponse md = cluster.call(id, ConclaveGrpc.METADATA,
                        MetadataRequest.newBuilder().addTopics(topic).build());
                for (PartitionMetadata p : md.getTopics(0).getPartitionsList()) {
                    if (p.getPartition() == partition && p.getLeader() != 0
                            && cluster.nodes().containsKey(p.getLeader())) {
                        return p.getLeader();
                    }
                }
            } catch (StatusRuntimeException e) {
                // try the next node
            }
        }
        return 0;
    }

    /** Produces with retries on retriable errors (same producer id and sequence each time). */
    public ProduceResponse produce(ProduceRequest req, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        StatusRuntimeException last = null;
        long target = req.getPartition() >= 0 ? leaderOf(req.getTopic(), req.getPartition())
                : cluster.nodes().keySet().iterator().next();
        while (System.nanoTime() < deadline) {
            if (target == 0 || !cluster.nodes().containsKey(target)) {
                target = req.getPartition() >= 0 ? leaderOf(req.getTopic(), req.getPartition())
                        : cluster.nodes().keySet().iterator().next();
                if (target == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                    continue;
                }
            }
            try {
                return cluster.call(target, ConclaveGrpc.PRODUCE, req);
            } catch (StatusRuntimeException e) {
                last = e;
                ErrorCode code = ApiErrors.codeOf(e);
                if (!ApiErrors.retriable(code) && code != ErrorCode.INTERNAL) {
                    throw e;
                }
                long hint = ApiErrors.leaderOf(e);
                target = hint != 0 && cluster.nodes().containsKey(hint) ? hint : 0;
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }
        throw new AssertionError("produce not acknowledged within " + bound, last);
    }

    public ProduceResponse produce(String topic, int partition, ConsistencyLevel level, long producerId, int sequence,
                                   String... values) {
        ProduceRequest.Builder b = ProduceRequest.newBuilder().setTopic(topic).setPartition(partition)
                .setConsistency(level).setProducerId(producerId).setSequence(sequence);
        for (String v : values) {
            b.addRecords(record(v));
        }
        return produce(b.build(), Duration.ofSeconds(30));
    }

    /** Everything from {@code from} to the high watermark, read from {@code node}. */
    public List<String> readAll(long node, String topic, int partition, ConsistencyLevel level) {
        List<String> out = new ArrayList<>();
        long offset = 0;
        while (true) {
            FetchResponse r = cluster.call(node, ConclaveGrpc.FETCH, FetchRequest.newBuilder().setTopic(topic)
                    .setPartition(partition).setOffset(offset).setConsistency(level).build());
            for (FetchedRecord fr : r.getRecordsList()) {
                if (fr.getOffset() != offset) {
                    throw new AssertionError("offset " + fr.getOffset() + " where " + offset + " was expected");
                }
                out.add(value(fr));
                offset++;
            }
            if (r.getRecordsCount() == 0 || offset >= r.getHighWatermark()) {
                return out;
            }
        }
    }
}
