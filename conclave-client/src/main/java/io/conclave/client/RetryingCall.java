package io.conclave.client;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.NodeMetadata;
import io.grpc.MethodDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A unary call retried on retriable errors up to {@code retriesMax}, with backoff. Without a fixed
 * node it starts at the controller leader the metadata names (or the first known node) and follows a
 * {@code conclave-leader} hint (NOT_CONTROLLER, NOT_LEADER) to the hinted node; without a hint it
 * refreshes metadata and moves to the next node. With a fixed node every attempt goes to that node.
 */
final class RetryingCall<Q, R> {

    private final ConclaveClient client;
    private final MethodDescriptor<Q, R> method;
    private final Q request;
    private final long fixedNode;
    private final CompletableFuture<R> result = new CompletableFuture<>();

    private RetryingCall(ConclaveClient client, MethodDescriptor<Q, R> method, Q request, long fixedNode) {
        this.client = client;
        this.method = method;
        this.request = request;
        this.fixedNode = fixedNode;
    }

    /** To the controller (or any node that forwards to it), following leader hints. */
    static <Q, R> CompletableFuture<R> toCluster(ConclaveClient client, MethodDescriptor<Q, R> method, Q request) {
        RetryingCall<Q, R> c = new RetryingCall<>(client, method, request, 0);
        client.metadataReady().whenComplete((m, t) -> c.attempt(0, 0, null));
        return c.result;
    }

    /** To one node only, e.g. to read that replica's digest. */
    static <Q, R> CompletableFuture<R> toNode(ConclaveClient client, MethodDescriptor<Q, R> method, Q request, long node) {
        if (node <= 0) {
            throw new IllegalArgumentException("node id must be > 0, was " + node);
        }
        RetryingCall<Q, R> c = new RetryingCall<>(client, method, request, node);
        client.metadataReady().whenComplete((m, t) -> c.attempt(0, node, null));
        return c.result;
    }

    private void attempt(int attempt, long hintedNode, Throwable last) {
        HostPort target = target(attempt, hintedNode);
        if (target == null) {
            retryOrFail(attempt, 0, new ConclaveException(ErrorCode.LEADER_NOT_AVAILABLE,
                    "node " + (fixedNode > 0 ? fixedNode : hintedNode) + " is not in the cluster metadata", 0, last));
            return;
        }
        CompletableFuture<R> call;
        try {
            call = client.call(target, method, request, client.config().requestTimeoutMs(), null);
        } catch (IllegalStateException closed) {
            result.completeExceptionally(closed);
            return;
        }
        call.whenComplete((r, t) -> {
            if (t == null) {
                result.complete(r);
            } else {
                retryOrFail(attempt, ApiErrors.leaderOf(t), t);
            }
        });
    }

    private void retryOrFail(int attempt, long hint, Throwable t) {
        ConclaveException e = ConclaveException.from(t);
        if (!e.retriable() || attempt >= client.config().retriesMax()) {
            result.completeExceptionally(e);
            return;
        }
        boolean follow = hint > 0 && client.metadata().address(hint) != null;
        CompletableFuture<ClusterMetadata> ready = follow ? CompletableFuture.completedFuture(client.metadata())
                : client.refreshMetadata();
        long delayMs = client.backoff().delayMs(attempt);
        ready.whenComplete((m, ignored) -> {
            try {
                client.timer().schedule(() -> attempt(attempt + 1, fixedNode > 0 ? fixedNode : hint, t),
                        delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                result.completeExceptionally(new IllegalStateException("client closed while retrying "
                        + method.getBareMethodName(), e));
            }
        });
    }

    /** The node to ask: fixed, else hinted, else the controller leader on the first try, else rotating. */
    private HostPort target(int attempt, long hintedNode) {
        ClusterMetadata m = client.metadata();
        if (fixedNode > 0) {
            return m.address(fixedNode);
        }
        if (hintedNode > 0 && m.address(hintedNode) != null) {
            return m.address(hintedNode);
        }
        if (attempt == 0 && m.address(m.controllerLeader()) != null) {
            return m.address(m.controllerLeader());
        }
        List<HostPort> all = candidates(client, m);
        return all.get(attempt % all.size());
    }

    static List<HostPort> candidates(ConclaveClient client, ClusterMetadata m) {
        Set<HostPort> out = new LinkedHashSet<>();
        for (NodeMetadata n : m.nodes()) {
            out.add(new HostPort(n.getHost(), n.getClientPort()));
        }
        for (String b : client.config().bootstrap()) {
            out.add(HostPort.parse(b));
        }
        return new ArrayList<>(out);
    }
}
