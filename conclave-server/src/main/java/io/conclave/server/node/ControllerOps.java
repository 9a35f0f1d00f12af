package io.conclave.server.node;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.server.metadata.MetadataChange;
import io.conclave.server.metadata.MetadataLog;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Metadata changes, run on the metadata group's leader one at a time: a read barrier (the image is
 * current), the records validated and computed against the image ({@link MetadataChange#plan}), proposed as
 * one entry, and the change answered once that entry is applied here — unless replay skipped it
 * ({@link MetadataChange#refusedAtApply}). One change at a time, so two never validate against the same
 * image. A node that does not lead the group answers {@code NOT_CONTROLLER} with the leader's id.
 *
 * <p>The steps are chained, not blocking: each continues on the host's thread of changes
 * ({@link Host#execute}), and each wait ends after the request timeout ({@link Host#schedule}), after which
 * the change answers {@code TIMEOUT} and the next one starts. {@code ConclaveNode}'s host runs them on one
 * thread of its own; the simulator's host on its scheduler, so the simulator runs this very code
 * (docs/simulation.md, "The controller's metadata path under the simulator").
 *
 * <p>Threads: {@link #submit} and {@link #execute} from any thread; everything else on the thread of changes.
 */
public final class ControllerOps {

    /** What the changes need of the node they run on. */
    public interface Host {
        long nodeId();

        /** The metadata group's leader as this node knows it; 0 when it knows none. */
        long leader();

        /** The metadata log: changes are planned against its image, and their replay read from it. */
        MetadataLog metadata();

        /** A ReadIndex barrier on the metadata group, or null when the node no longer serves. */
        CompletableFuture<Long> readBarrier();

        /** Proposes {@code batch} to the metadata group, answered with its index once applied here; null when the node no longer serves. */
        CompletableFuture<Long> propose(byte[] batch);

        /** Whether the node still serves: an answer that arrives after it stopped is lost. */
        boolean serving();

        /** A change's batch was applied here at {@code index} (before its replay result is read). */
        void applied(long index);

        /** Runs {@code step} later on the thread of changes. */
        void execute(Runnable step);

        /** Runs {@code step} on the thread of changes after {@code delayNs}. */
        void schedule(long delayNs, Runnable step);

        long requestTimeoutNs();
    }

    /** How a change ended, as far as it can be known. */
    public enum Kind {
        /** Applied (or a read): the outcome's {@code image} is the image after it. */
        DONE,
        /** The handler refused it against a current image ({@code refusal} says why); nothing was written. */
        REFUSED,
        /** It certainly did not take effect: not the leader, the barrier failed, or replay skipped its batch. */
        NOT_DONE,
        /** Its batch was proposed and then the answer was lost (an error, a timeout): it may have applied. */
        MAYBE
    }

    /**
     * A change's outcome: {@code leaderHint} names the leader when this node did not lead (0: unknown);
     * {@code error} is what a client is answered unless the change is {@link Kind#DONE}.
     */
    public record Outcome(Kind kind, ClusterImage image, MetadataError refusal, long leaderHint, String reason,
                          RuntimeException error) {

        static Outcome failed(Kind kind, String reason, RuntimeException error) {
            return new Outcome(kind, null, null, 0, reason, error);
        }
    }

    private final Host host;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean busy;

    public ControllerOps(Host host) {
        this.host = host;
    }

    public boolean isLeader() {
        return host.leader() == host.nodeId();
    }

    /** Runs {@code op} against the current image on the leader; completes with the image after it, or fails with the client's error. */
    public CompletableFuture<ClusterImage> execute(Function<ClusterImage, ControllerResult<MetadataError>> op) {
        return submit(op).thenCompose(o -> o.kind() == Kind.DONE ? CompletableFuture.completedFuture(o.image())
                : CompletableFuture.failedFuture(o.error()));
    }

    /** Runs {@code op} against the current image on the leader, after the changes before it; never fails. */
    public CompletableFuture<Outcome> submit(Function<ClusterImage, ControllerResult<MetadataError>> op) {
        CompletableFuture<Outcome> out = new CompletableFuture<>();
        long leader = host.leader();
        if (leader != host.nodeId()) {
            RuntimeException e = ApiErrors.error(ErrorCode.NOT_CONTROLLER, "node " + host.nodeId()
                    + " does not lead the controller group" + (leader == 0 ? " (no leader known)" : "; node " + leader
                    + " does"), leader);
            out.complete(new Outcome(Kind.NOT_DONE, null, null, leader, e.getMessage(), e));
            return out;
        }
        synchronized (this) {
            queue.add(() -> run(op, out));
        }
        pump();
        return out;
    }

    private void pump() {
        Runnable next;
        synchronized (this) {
            if (busy || queue.isEmpty()) {
                return;
            }
            busy = true;
            next = queue.poll();
        }
        next.run();
    }

    private void finish(CompletableFuture<Outcome> out, Outcome outcome) {
        if (!out.complete(outcome)) {
            return; // a step that failed after it had answered
        }
        synchronized (this) {
            busy = false;
        }
        host.execute(this::pump);
    }

    /**
     * Ends the change with {@code e}, a step's exception (the next change starts), then throws it on: a
     * fault of the code, for the thread of changes to report (and the simulator to fail the run on).
     */
    private void fail(CompletableFuture<Outcome> out, Kind kind, String step, RuntimeException e) {
        finish(out, Outcome.failed(kind, step + ": " + e, Errors.toStatus(e)));
        throw e;
    }

    private void run(Function<ClusterImage, ControllerResult<MetadataError>> op, CompletableFuture<Outcome> out) {
        try {
            runBarrier(op, out);
        } catch (RuntimeException e) {
            fail(out, Kind.NOT_DONE, "read barrier", e);
        }
    }

    private void runBarrier(Function<ClusterImage, ControllerResult<MetadataError>> op, CompletableFuture<Outcome> out) {
        await(host.readBarrier(), out, Kind.NOT_DONE, "read barrier", index -> {
            MetadataChange.Plan plan = MetadataChange.plan(host.metadata().image(), op);
            if (plan.refused()) {
                finish(out, new Outcome(Kind.REFUSED, null, plan.error(), 0, plan.error().message(),
                        MetadataChange.refusal(plan.error())));
            } else if (plan.batch() == null) {
                finish(out, new Outcome(Kind.DONE, host.metadata().image(), null, 0, "read", null));
            } else {
                propose(plan.batch(), out);
            }
        });
    }

    private void propose(byte[] batch, CompletableFuture<Outcome> out) {
        CompletableFuture<Long> proposed = host.propose(batch);
        if (proposed == null) {
            finish(out, Outcome.failed(Kind.NOT_DONE, "node " + host.nodeId() + " went down before proposing",
                    notServing()));
            return;
        }
        await(proposed, out, Kind.MAYBE, "proposal", index -> {
            host.applied(index);
            String refused = MetadataChange.refusedAtApply(host.metadata(), index);
            if (refused != null) {
                finish(out, Outcome.failed(Kind.NOT_DONE, "refused when applied: " + refused,
                        MetadataChange.refusedAtApplyError(refused)));
            } else {
                finish(out, new Outcome(Kind.DONE, host.metadata().image(), null, 0, "applied at " + index, null));
            }
        });
    }

    /**
     * Waits for {@code f} at most the request timeout, then continues on the thread of changes; an error,
     * the timeout or a node that stopped serving ends the change as {@code onError}.
     */
    private void await(CompletableFuture<Long> f, CompletableFuture<Outcome> out, Kind onError, String step,
                       Consumer<Long> then) {
        if (f == null) {
            finish(out, Outcome.failed(onError, step + ": node " + host.nodeId() + " is down", notServing()));
            return;
        }
        boolean[] done = new boolean[1];
        host.schedule(host.requestTimeoutNs(), () -> {
            if (!done[0]) {
                done[0] = true;
                finish(out, Outcome.failed(onError, step + ": TIMEOUT", ApiErrors.error(ErrorCode.TIMEOUT,
                        "the controller did not answer within " + host.requestTimeoutNs() / 1_000_000 + " ms")));
            }
        });
        f.whenComplete((index, error) -> host.execute(() -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            if (error != null || !host.serving()) {
                finish(out, Outcome.failed(onError, step + ": " + error,
                        error != null ? Errors.toStatus(error) : notServing()));
            } else {
                try {
                    then.accept(index);
                } catch (RuntimeException e) {
                    fail(out, onError, step, e);
                }
            }
        }));
    }

    private RuntimeException notServing() {
        return ApiErrors.error(ErrorCode.LEADER_NOT_AVAILABLE, "node " + host.nodeId() + " is not serving");
    }
}
