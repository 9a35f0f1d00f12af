package io.conclave.server.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.api.ApiErrors;
import io.conclave.api.proto.ErrorCode;
import io.conclave.multiraft.node.BackPressureException;
import io.conclave.multiraft.node.LeaderTable;
import io.conclave.multiraft.node.RequestFailedException;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.storage.RaftStorage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The leader's produce path over a fake host whose log commits only when the test says so and a
 * timer the test fires: pipelined batches that arrive out of order are held and sequenced, a gap
 * that never fills is refused (an EVENTUAL batch is written after a gap at once), duplicates keep
 * their offset.
 */
class ProducingTest {

    private static final long GROUP = 5;
    private static final long PID = 77;

    /** A one-node "Raft log": proposals queue up until {@link #commitAll}, which applies them in order. */
    private final class FakeHost implements PartitionHost {
        final PartitionLog log = new PartitionLog(GROUP, g -> producing.onFenced(g));
        final ArrayDeque<Object[]> proposed = new ArrayDeque<>();
        LeaderTable.Leader leader = new LeaderTable.Leader(1, 1);
        long index;
        /** Proposals refused before they reach the log (the group has too many bytes uncommitted). */
        int refuse;
        /** Refusals are answered at {@link #refuseDeferred}, as the runtime answers from its loop. */
        boolean deferRefusals;
        final List<CompletableFuture<Long>> refusals = new ArrayList<>();

        @Override
        public long nodeId() {
            return 1;
        }

        @Override
        public LeaderTable.Leader leaderOf(long groupId) {
            return leader;
        }

        @Override
        public CompletableFuture<Long> propose(long groupId, byte[] data) {
            if (refuse > 0) {
                refuse--;
                CompletableFuture<Long> refused = new CompletableFuture<>();
                refusals.add(refused);
                if (!deferRefusals) {
                    refuseDeferred();
                }
                return refused;
            }
            CompletableFuture<Long> f = new CompletableFuture<>();
            proposed.addLast(new Object[] {data, f});
            return f;
        }

        @Override
        public CompletableFuture<Long> proposeAppended(long groupId, byte[] data) {
            CompletableFuture<Long> f = propose(groupId, data);
            return refusals.contains(f) || f.isCompletedExceptionally() ? f
                    : CompletableFuture.completedFuture(index + proposed.size());
        }

        @Override
        public PartitionLog partition(long groupId) {
            return log;
        }

        @Override
        public RaftStorage log(long groupId) {
            throw new UnsupportedOperationException("not read here");
        }

        @Override
        public long nowMs() {
            return 1;
        }

        void refuseDeferred() {
            List<CompletableFuture<Long>> due = new ArrayList<>(refusals);
            refusals.clear();
            due.forEach(f -> f.completeExceptionally(new BackPressureException("group " + GROUP + " is full")));
        }

        PartitionCommand.Type lastProposedType() {
            return PartitionCommand.decode((byte[]) proposed.peekLast()[0]).type();
        }

        /** Commits and applies every queued proposal (and those their callbacks propose), bounded. */
        @SuppressWarnings("unchecked")
        void commitAll() {
            for (int round = 0; round < 1_000 && !proposed.isEmpty(); round++) {
                Object[] p = proposed.pollFirst();
                long i = ++index;
                log.apply(List.of(new Entry(1, i, EntryType.NORMAL, (byte[]) p[0])));
                ((CompletableFuture<Long>) p[1]).complete(i);
            }
            assertThat(proposed).as("proposals left after 1,000 rounds").isEmpty();
        }

        /** The oldest queued proposal is lost (its leader failed before committing it). */
        @SuppressWarnings("unchecked")
        void loseOldest() {
            Object[] p = proposed.pollFirst();
            ((CompletableFuture<Long>) p[1]).completeExceptionally(new RequestFailedException(
                    RequestFailedException.Reason.TIMEOUT, "lost with its leader"));
        }
    }

    private final List<Runnable> timers = new ArrayList<>();
    private final FakeHost host = new FakeHost();
    private Producing producing = new Producing(host, new ProducingConfig(3, 500, 8L << 20), (ms, task) -> timers.add(task));

    private static List<PartitionCommand.StoredRecord> records(String... values) {
        List<PartitionCommand.StoredRecord> out = new ArrayList<>();
        for (String v : values) {
            out.add(new PartitionCommand.StoredRecord(null, v.getBytes(StandardCharsets.UTF_8), 1, List.of()));
        }
        return out;
    }

    private CompletableFuture<Producing.Result> send(int sequence, String... values) {
        return producing.produce(GROUP, PID, sequence, records(values), false);
    }

    /** Makes the sequencer current (its first use proposes a barrier) with one unsequenced record at offset 0. */
    private void prime() {
        CompletableFuture<Producing.Result> f = producing.produce(GROUP, 0, 0, records("p"), false);
        host.commitAll();
        assertThat(f.join()).isEqualTo(new Producing.Result(0, false));
    }

    private void fireTimers() {
        List<Runnable> due = new ArrayList<>(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    private static ErrorCode codeOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return ApiErrors.codeOf(f.handle((v, e) -> e).join());
    }

    @Test
    void batchesArrivingOutOfOrderAreHeldAndWrittenInSequenceOrder() {
        prime();
        CompletableFuture<Producing.Result> third = send(2, "e");
        CompletableFuture<Producing.Result> second = send(1, "c", "d");
        assertThat(third).isNotDone();
        assertThat(second).isNotDone();
        CompletableFuture<Producing.Result> first = send(0, "a", "b");
        host.commitAll();

        assertThat(first.join()).isEqualTo(new Producing.Result(1, false));
        assertThat(second.join()).isEqualTo(new Producing.Result(3, false));
        assertThat(third.join()).isEqualTo(new Producing.Result(5, false));
        assertThat(host.log.nextOffset()).isEqualTo(6);
        assertThat(host.log.lastSequence(PID)).isEqualTo(2);
        assertThat(producing.heldTotal()).isEqualTo(2);
        fireTimers(); // the holds' timers find nothing left to refuse
        assertThat(producing.gapsRefused()).isZero();
    }

    @Test
    void aGapThatNeverFillsIsRefusedWhenTheWaitEndsAndNothingIsWritten() {
        send(0, "a");
        host.commitAll();
        CompletableFuture<Producing.Result> ahead = send(2, "c");
        host.commitAll();
        assertThat(ahead).isNotDone();

        fireTimers();

        assertThat(codeOf(ahead)).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
        assertThat(producing.gapsRefused()).isEqualTo(1);
        assertThat(host.log.nextOffset()).isEqualTo(1);
        CompletableFuture<Producing.Result> next = send(1, "b");
        host.commitAll();
        assertThat(next.join()).isEqualTo(new Producing.Result(1, false));
    }

    @Test
    void duplicatesOfAppliedProposedAndHeldBatchesAnswerWithTheOriginalOffset() {
        send(0, "a");
        send(1, "b");
        host.commitAll();
        CompletableFuture<Producing.Result> heldTwice = send(3, "d");
        CompletableFuture<Producing.Result> heldAgain = send(3, "d");
        CompletableFuture<Producing.Result> proposed = send(2, "c");
        CompletableFuture<Producing.Result> proposedAgain = send(2, "c");
        host.commitAll();

        assertThat(send(0, "a").join()).isEqualTo(new Producing.Result(0, true));
        assertThat(proposed.join()).isEqualTo(new Producing.Result(2, false));
        assertThat(proposedAgain.join()).isEqualTo(new Producing.Result(2, true));
        assertThat(heldTwice.join()).isEqualTo(new Producing.Result(3, false));
        assertThat(heldAgain.join()).isEqualTo(new Producing.Result(3, true));
        assertThat(host.log.nextOffset()).isEqualTo(4);
    }

    /**
     * A caller that stops waiting (the node bounds every request with {@code orTimeout}, which
     * completes the very future it is given) must not answer the batch's retries: the retry of a batch
     * still in flight attaches to it and gets its real outcome. Before, the first attempt's timeout
     * completed the future kept for deduplication, and every retry failed at once with TIMEOUT until
     * the batch finished (a data bench run gave up on four batches after 21 attempts in 22.8 s).
     */
    @Test
    void aTimedOutFirstAttemptDoesNotAnswerTheRetryOfABatchStillInFlight() {
        prime();
        CompletableFuture<Producing.Result> first = send(0, "a");
        first.completeExceptionally(new java.util.concurrent.TimeoutException("the node's request timeout"));
        CompletableFuture<Producing.Result> retry = send(0, "a");
        assertThat(retry).as("the retry waits for the batch in flight").isNotDone();
        host.commitAll();
        assertThat(retry.join()).isEqualTo(new Producing.Result(1, true));
        assertThat(host.log.nextOffset()).isEqualTo(2);
    }

    @Test
    void anEventualBatchAfterAGapIsWrittenAtOnceWithoutBeingHeld() {
        CompletableFuture<Producing.Result> ahead = producing.produce(GROUP, PID, 4, records("x"), true);
        host.commitAll();

        assertThat(ahead.join()).isEqualTo(new Producing.Result(0, false));
        assertThat(host.log.lastSequence(PID)).isEqualTo(4);
        assertThat(producing.heldTotal()).isZero();
    }

    @Test
    void aRetriedEventualBatchAppendedButNotYetAppliedIsAnsweredWithTheOffsetItWasGiven() {
        prime();
        CompletableFuture<Producing.Result> first = producing.produce(GROUP, PID, 0, records("a", "b"), true);
        assertThat(first.join()).isEqualTo(new Producing.Result(1, false));

        // The ack was lost (a reset connection): the producer sends the batch again before it is applied.
        CompletableFuture<Producing.Result> retried = producing.produce(GROUP, PID, 0, records("a", "b"), true);

        assertThat(retried.join()).isEqualTo(new Producing.Result(1, true));
        host.commitAll();
        assertThat(host.log.nextOffset()).isEqualTo(3);
        assertThat(host.log.offsetOf(PID, 0)).isEqualTo(1);
    }

    @Test
    void aBatchRefusedForBackPressureGivesItsOffsetsBackSoItsRetryNeedsNoBarrier() {
        prime();
        host.refuse = 1;
        CompletableFuture<Producing.Result> refused = producing.produce(GROUP, PID, 0, records("a"), true);
        assertThat(codeOf(refused)).isEqualTo(ErrorCode.BACK_PRESSURE);

        CompletableFuture<Producing.Result> retried = producing.produce(GROUP, PID, 0, records("a"), true);

        // Proposed at once with the offset the refused attempt had, not after a barrier through the backlog.
        assertThat(retried).isCompletedWithValue(new Producing.Result(1, false));
        assertThat(host.proposed).hasSize(1);
        host.commitAll();
        assertThat(host.log.nextOffset()).isEqualTo(2);
        assertThat(host.log.offsetOf(PID, 0)).isEqualTo(1);
    }

    @Test
    void aBatchRefusedAfterLaterOnesWereStampedMakesTheSequencerLearnTheOffsetAgain() {
        prime();
        host.deferRefusals = true;
        host.refuse = 1;
        CompletableFuture<Producing.Result> refused = send(0, "a"); // stamped offset 1; refused later
        CompletableFuture<Producing.Result> other = producing.produce(GROUP, 0, 0, records("x"), false); // offset 2
        host.refuseDeferred();
        assertThat(codeOf(refused)).isEqualTo(ErrorCode.BACK_PRESSURE);

        CompletableFuture<Producing.Result> retried = send(0, "a");

        assertThat(host.lastProposedType()).as("offset 1 was never written: a barrier first")
                .isEqualTo(PartitionCommand.Type.SYNC);
        host.commitAll();
        assertThat(List.of(retried.join().baseOffset(), other.join().baseOffset())).containsExactlyInAnyOrder(1L, 2L);
        assertThat(host.log.nextOffset()).isEqualTo(3);
    }

    @Test
    void eventualBatchesStampedButNotAppliedAreBoundedInBytesSoTheLeaderCannotPileUpAnUnwritableBacklog() {
        // bin/conclave bench, 21:35: acked on append, an EVENTUAL producer piled 23.9 MB of one group's
        // entries into one Ready while the leader's fsync lagged; the WAL refused the record (16 MiB
        // bound) on the loop thread and the node's loop died.
        int recordBytes = records("x").get(0).sizeBytes();
        producing = new Producing(host, new ProducingConfig(3, 500, 3L * recordBytes), (ms, task) -> timers.add(task));
        prime();
        CompletableFuture<Producing.Result> first = producing.produce(GROUP, PID, 0, records("a", "b"), true);
        CompletableFuture<Producing.Result> second = producing.produce(GROUP, PID, 1, records("c"), true);
        assertThat(first).isCompletedWithValue(new Producing.Result(1, false));
        assertThat(second).isCompletedWithValue(new Producing.Result(3, false));

        CompletableFuture<Producing.Result> over = producing.produce(GROUP, PID, 2, records("d"), true);

        assertThat(codeOf(over)).isEqualTo(ErrorCode.BACK_PRESSURE);
        host.commitAll(); // applied: the backlog is gone
        CompletableFuture<Producing.Result> retried = producing.produce(GROUP, PID, 2, records("d"), true);
        assertThat(retried).isCompletedWithValue(new Producing.Result(4, false));
        host.commitAll();
        assertThat(host.log.nextOffset()).isEqualTo(5);
    }

    @Test
    void heldBatchesAreBoundedAndTheNextOneIsRefusedAsBackPressure() {
        prime();
        send(1, "b");
        send(2, "c");
        send(3, "d");

        assertThat(codeOf(send(4, "e"))).isEqualTo(ErrorCode.BACK_PRESSURE);
        assertThat(host.log.nextOffset()).isEqualTo(1);
    }

    @Test
    void losingLeadershipFailsHeldBatchesAsRetriableNotLeader() {
        prime();
        CompletableFuture<Producing.Result> ahead = send(1, "b");
        host.leader = new LeaderTable.Leader(2, 2);

        CompletableFuture<Producing.Result> elsewhere = send(0, "a");

        assertThat(codeOf(elsewhere)).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(codeOf(ahead)).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(ApiErrors.leaderOf(ahead.handle((v, e) -> e).join())).isEqualTo(2);
    }

    @Test
    void aBatchRefusedAtApplyBecauseItsPredecessorWasLostIsHeldAndWrittenAfterTheRetry() {
        send(0, "a");
        host.commitAll();
        CompletableFuture<Producing.Result> lost = send(1, "b");
        CompletableFuture<Producing.Result> next = send(2, "c");
        host.loseOldest(); // batch 1 never reaches the log; batch 2 does and is refused at apply
        host.commitAll();
        assertThat(codeOf(lost)).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(next).isNotDone();

        CompletableFuture<Producing.Result> retried = send(1, "b");
        host.commitAll();

        assertThat(retried.join()).isEqualTo(new Producing.Result(1, false));
        assertThat(next.join()).isEqualTo(new Producing.Result(2, false));
        assertThat(host.log.nextOffset()).isEqualTo(3);
    }

    @Test
    void withoutHoldingAGapIsRefusedAtOnce() {
        producing = new Producing(host);
        CompletableFuture<Producing.Result> ahead = send(1, "b");
        host.commitAll();

        assertThat(codeOf(ahead)).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
        assertThat(timers).isEmpty();
    }
}
