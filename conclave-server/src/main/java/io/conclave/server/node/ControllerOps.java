package io.conclave.server.node;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.api.proto.JoinRequest;
import io.conclave.api.proto.JoinResponse;
import io.conclave.api.proto.NodeMetadata;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.NodeInfo;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ReadMode;
import io.conclave.server.metadata.MetadataChange;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Metadata changes, run on the controller group's leader one at a time: read barrier (the image is
 * current), validate and compute the records against the image, propose them as one entry, wait
 * until it is applied here (the decisions are {@link MetadataChange}'s, shared with the simulator). One thread, so two requests never validate against the same image.
 * Any node may receive an admin request; a node that does not lead the controller group answers
 * {@code NOT_CONTROLLER} with the leader's id.
 */
public final class ControllerOps {

    private final ConclaveNode node;
    private final ExecutorService worker;

    ControllerOps(ConclaveNode node) {
        this.node = node;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "n" + node.nodeId() + "-controller-ops");
            t.setDaemon(true);
            return t;
        });
    }

    public boolean isLeader() {
        return node.runtime().leaderOf(NodeStateMachine.CONTROLLER_GROUP).node() == node.nodeId();
    }

    /** Runs {@code op} against the current image on the controller leader; completes with the image after it. */
    public CompletableFuture<ClusterImage> execute(Function<ClusterImage, ControllerResult<MetadataError>> op) {
        CompletableFuture<ClusterImage> out = new CompletableFuture<>();
        if (!isLeader()) {
            out.completeExceptionally(notController());
            return out;
        }
        worker.execute(() -> {
            try {
                out.complete(executeNow(op));
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    private ClusterImage executeNow(Function<ClusterImage, ControllerResult<MetadataError>> op) {
        long g = NodeStateMachine.CONTROLLER_GROUP;
        await(node.runtime().read(g, ReadMode.READ_INDEX));
        MetadataChange.Plan plan = MetadataChange.plan(node.image(), op);
        if (plan.refused()) {
            throw MetadataChange.refusal(plan.error());
        }
        if (plan.batch() == null) {
            return node.image();
        }
        long index = await(node.runtime().propose(g, plan.batch()));
        String refused = MetadataChange.refusedAtApply(node.stateMachine().metadata(), index);
        if (refused != null) {
            throw MetadataChange.refusedAtApplyError(refused);
        }
        return node.image();
    }

    /** Registers a node (a join or a restart) and makes it a learner of the controller group if it is not a member. */
    public CompletableFuture<JoinResponse> join(JoinRequest req) {
        CompletableFuture<JoinResponse> out = new CompletableFuture<>();
        if (!req.getClusterId().isEmpty() && !req.getClusterId().equals(node.clusterId())) {
            out.completeExceptionally(ApiErrors.error(ErrorCode.CLUSTER_ID_MISMATCH, "node " + req.getNodeId()
                    + " belongs to cluster " + req.getClusterId() + ", this is cluster " + node.clusterId()));
            return out;
        }
        if (!isLeader()) {
            out.completeExceptionally(notController());
            return out;
        }
        worker.execute(() -> {
            try {
                executeNow(img -> {
                    NodeInfo known = img.nodes().get(req.getNodeId());
                    if (known != null && known.incarnation() == req.getIncarnation()) {
                        return ControllerResult.of(MetadataError.NONE);
                    }
                    return TopicHandlers.registerNode(img, req.getNodeId(), req.getIncarnation(), req.getHost(),
                            req.getRaftPort(), req.getClientPort(), req.getRack());
                });
                long g = NodeStateMachine.CONTROLLER_GROUP;
                GroupStatus st = await(node.runtime().status(g));
                if (!st.confState().allMembers().contains(req.getNodeId())) {
                    await(node.runtime().changeMembership(g, ConfChange.addLearner(req.getNodeId())));
                }
                JoinResponse.Builder b = JoinResponse.newBuilder().setClusterId(node.clusterId())
                        .addAllControllerVoters(node.controllerVoters());
                for (NodeInfo n : node.image().nodes().values()) {
                    b.addNodes(NodeMetadata.newBuilder().setNodeId(n.nodeId()).setHost(n.host())
                            .setRaftPort(n.raftPort()).setClientPort(n.clientPort()).setRack(n.rack())
                            .setIncarnation(n.incarnation()));
                }
                out.complete(b.build());
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    private RuntimeException notController() {
        long leader = node.runtime().leaderOf(NodeStateMachine.CONTROLLER_GROUP).node();
        return ApiErrors.error(ErrorCode.NOT_CONTROLLER, "node " + node.nodeId()
                + " does not lead the controller group" + (leader == 0 ? " (no leader known)" : "; node " + leader
                + " does"), leader);
    }

    private <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(node.config().requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw Errors.toStatus(e.getCause());
        } catch (TimeoutException e) {
            throw ApiErrors.error(ErrorCode.TIMEOUT, "the controller did not answer within "
                    + node.config().requestTimeoutMs() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiErrors.error(ErrorCode.TIMEOUT, "interrupted");
        }
    }

    void close() {
        worker.shutdownNow();
    }
}
