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
    private final java.util.Set<Long> avoid = new java.util.concurrent.ConcurrentSkipListSet<>();

    public RawClient(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** Nodes this client must not talk to (one cut off by a test's network partition). */
    public java.util.Set<Long> avoid() {
        return avoid;
    }

    private java.util.List<Long> usable() {
        return cluster.nodes().keySet().stream().filter(n -> !avoid.contains(n)).toList();
    }

    public static Record record(String value) {
        return Record.newBuilder().setValue(ByteString.copyFromUtf8(value)).build();
    }

    public static String value(FetchedRecord r) {
        return r.getRecord().getValue().toString(StandardCharsets.UTF_8);
    }

    public long leaderOf(String topic, int partition) {
        for (long id : usable()) {
            try {
                MetadataResponse md = cluster.call(id, ConclaveGrpc.METADATA,
                        MetadataRequest.newBuilder().addTopics(topic).build());
                for (PartitionMetadata p : md.getTopics(0).getPartitionsList()) {
                    if (p.getPartition() == partition && p.getLeader() != 0
                            && usable().contains(p.getLeader())) {
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
                : usable().get(0);
        while (System.nanoTime() < deadline) {
            if (target == 0 || !usable().contains(target)) {
                target = req.getPartition() >= 0 ? leaderOf(req.getTopic(), req.getPartition())
                        : usable().get(0);
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
                target = hint != 0 && usable().contains(hint) ? hint : 0;
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

    /** Creates a topic through whichever node leads the controller, and waits until each partition has a leader. */
    public void createTopic(String name, int partitions, int rf) {
        createTopic(name, partitions, rf, java.util.Map.of());
    }

    public void createTopic(String name, int partitions, int rf, java.util.Map<String, String> config) {
        LocalCluster.Await.result(java.time.Duration.ofSeconds(30), () -> {
            for (long id : usable()) {
                try {
                    return cluster.call(id, ConclaveGrpc.CREATE_TOPIC, io.conclave.api.proto.CreateTopicRequest
                            .newBuilder().setName(name).setPartitions(partitions).setReplicationFactor(rf)
                            .putAllConfig(config).build());
                } catch (StatusRuntimeException e) {
                    if (ApiErrors.codeOf(e) == ErrorCode.TOPIC_EXISTS) {
                        return null;
                    }
                }
            }
            throw new IllegalStateException("no controller leader yet");
        }, "topic " + name + " created");
        for (int p = 0; p < partitions; p++) {
            int part = p;
            LocalCluster.Await.until(java.time.Duration.ofSeconds(30), () -> leaderOf(name, part) != 0,
                    () -> name + "/" + part + " has a leader");
        }
    }

    /** Each live node's (next offset, digest) of one partition, keyed by node. */
    public java.util.Map<Long, java.util.List<Long>> digests(String topic, int partition) {
        java.util.Map<Long, java.util.List<Long>> out = new java.util.TreeMap<>();
        for (long id : usable()) {
            io.conclave.api.proto.ReplicaDigestResponse r = cluster.call(id, ConclaveGrpc.REPLICA_DIGEST,
                    io.conclave.api.proto.ReplicaDigestRequest.newBuilder().setTopic(topic).setPartition(partition).build());
            out.put(id, java.util.List.of(r.getNextOffset(), r.getDigest()));
        }
        return out;
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
