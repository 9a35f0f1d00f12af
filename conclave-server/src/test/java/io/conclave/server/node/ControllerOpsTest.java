package io.conclave.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.raft.Entry;
import io.conclave.server.metadata.MetadataLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link ControllerOps} stepped by hand: its host's thread of changes and timers are queues the test
 * runs, its barrier and proposals futures the test completes.
 */
class ControllerOpsTest {

    private final ManualHost host = new ManualHost();
    private final ControllerOps ops = new ControllerOps(host);

    @Test
    void aChangeIsABarrierAPlanAProposalAndTheImageAfterItsEntryApplied() {
        CompletableFuture<ControllerOps.Outcome> out = ops.submit(register(2));
        assertThat(host.barriers).hasSize(1);
        assertThat(host.proposals).isEmpty();

        host.barriers.get(0).complete(4L);
        host.runSteps();
        assertThat(host.proposals).hasSize(1);
        assertThat(out).isNotDone();

        host.applyAndAnswer(0, 5);
        host.runSteps();
        assertThat(out.join().kind()).isEqualTo(ControllerOps.Kind.DONE);
        assertThat(out.join().image().nodes()).containsKey(2L);
        assertThat(host.applied).containsExactly(5L);
    }

    @Test
    void aSecondChangeWaitsUntilTheFirstHasAnswered() {
        CompletableFuture<ControllerOps.Outcome> first = ops.submit(register(2));
        CompletableFuture<ControllerOps.Outcome> second = ops.submit(register(3));
        assertThat(host.barriers).hasSize(1);

        host.barriers.get(0).complete(4L);
        host.runSteps();
        host.applyAndAnswer(0, 5);
        host.runSteps();

        assertThat(first.join().kind()).isEqualTo(ControllerOps.Kind.DONE);
        assertThat(host.barriers).hasSize(2);
        assertThat(second).isNotDone();
        host.barriers.get(1).complete(5L);
        host.runSteps();
        host.applyAndAnswer(1, 6);
        host.runSteps();
        assertThat(second.join().image().nodes()).containsKeys(2L, 3L);
    }

    @Test
    void aProposalUnansweredWithinTheTimeoutMayHaveAppliedAndTheNextChangeStarts() {
        CompletableFuture<ControllerOps.Outcome> first = ops.submit(register(2));
        CompletableFuture<ControllerOps.Outcome> second = ops.submit(register(3));
        host.barriers.get(0).complete(4L);
        host.runSteps();

        host.fireTimers(); // the barrier's (already answered: nothing) and the proposal's
        assertThat(first.join().kind()).isEqualTo(ControllerOps.Kind.MAYBE);
        assertThat(ApiErrors.codeOf(first.join().error())).isEqualTo(ErrorCode.TIMEOUT);
        host.runSteps();
        assertThat(host.barriers).hasSize(2);
        assertThat(second).isNotDone();

        host.applyAndAnswer(0, 5); // the late answer changes nothing
        host.runSteps();
        assertThat(first.join().kind()).isEqualTo(ControllerOps.Kind.MAYBE);
    }

    @Test
    void aFailedBarrierCertainlyDidNotApply() {
        CompletableFuture<ControllerOps.Outcome> out = ops.submit(register(2));
        host.barriers.get(0).completeExceptionally(new IllegalStateException("lost leadership"));
        host.runSteps();

        assertThat(out.join().kind()).isEqualTo(ControllerOps.Kind.NOT_DONE);
        assertThat(host.proposals).isEmpty();
    }

    @Test
    void aRefusedChangeProposesNothingAndFailsWithItsCode() {
        CompletableFuture<ClusterImage> out = ops.execute(img -> TopicHandlers.createTopic(img, "t", 0, 1, Map.of()));
        host.barriers.get(0).complete(4L);
        host.runSteps();

        assertThat(out).isCompletedExceptionally();
        assertThat(ApiErrors.codeOf(out.handle((v, e) -> e).join())).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(host.proposals).isEmpty();
    }

    @Test
    void aNodeThatDoesNotLeadNamesTheLeaderAndDoesNothing() {
        host.leader = 3;
        ControllerOps.Outcome o = ops.submit(register(2)).join();

        assertThat(o.kind()).isEqualTo(ControllerOps.Kind.NOT_DONE);
        assertThat(o.leaderHint()).isEqualTo(3);
        assertThat(ApiErrors.codeOf(o.error())).isEqualTo(ErrorCode.NOT_CONTROLLER);
        assertThat(host.barriers).isEmpty();
    }

    private static Function<ClusterImage, ControllerResult<MetadataError>> register(long node) {
        return img -> TopicHandlers.registerNode(img, node, 1, "127.0.0.1", 9000 + (int) node, 9100 + (int) node,
                "r" + node);
    }

    /** Node 1, leading unless told otherwise; nothing runs until the test says so. */
    private static final class ManualHost implements ControllerOps.Host {
        final MetadataLog log = new MetadataLog();
        final List<CompletableFuture<Long>> barriers = new ArrayList<>();
        final List<CompletableFuture<Long>> proposals = new ArrayList<>();
        final List<byte[]> batches = new ArrayList<>();
        final List<Long> applied = new ArrayList<>();
        final ArrayDeque<Runnable> steps = new ArrayDeque<>();
        final ArrayDeque<Runnable> timers = new ArrayDeque<>();
        long leader = 1;

        void runSteps() {
            while (!steps.isEmpty()) {
                steps.poll().run();
            }
        }

        void fireTimers() {
            while (!timers.isEmpty()) {
                timers.poll().run();
            }
        }

        /** Applies proposal {@code i}'s batch at {@code index} and answers it. */
        void applyAndAnswer(int i, long index) {
            log.apply(List.of(Entry.normal(1, index, batches.get(i))));
            proposals.get(i).complete(index);
        }

        @Override
        public long nodeId() {
            return 1;
        }

        @Override
        public long leader() {
            return leader;
        }

        @Override
        public MetadataLog metadata() {
            return log;
        }

        @Override
        public CompletableFuture<Long> readBarrier() {
            CompletableFuture<Long> f = new CompletableFuture<>();
            barriers.add(f);
            return f;
        }

        @Override
        public CompletableFuture<Long> propose(byte[] batch) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            batches.add(batch);
            proposals.add(f);
            return f;
        }

        @Override
        public boolean serving() {
            return true;
        }

        @Override
        public void applied(long index) {
            applied.add(index);
        }

        @Override
        public void execute(Runnable step) {
            steps.add(step);
        }

        @Override
        public void schedule(long delayNs, Runnable step) {
            timers.add(step);
        }

        @Override
        public long requestTimeoutNs() {
            return 2_000_000_000L;
        }
    }
}
