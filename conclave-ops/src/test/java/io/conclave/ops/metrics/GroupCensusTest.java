package io.conclave.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.raft.ConfState;
import io.conclave.raft.StateRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The census over a fake status source: counts, leader and term changes, bounds. */
class GroupCensusTest {

    /** Statuses set by the test; a group mapped to null never answers, one missing fails. */
    private static final class FakeSource implements GroupCensus.StatusSource {
        final Map<Long, GroupStatus> statuses = new TreeMap<>();
        final Set<Long> silent = new java.util.HashSet<>();
        boolean delayed;
        int asked;
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger inFlightMax = new java.util.concurrent.atomic.AtomicInteger();

        void set(long gid, StateRole role, long leader, long term) {
            statuses.put(gid, new GroupStatus(gid, 1, 1, role, leader, term, 10, 7, 10, 0, 1,
                    ConfState.ofVoters(1, 2, 3), false, false, false, 7, 0));
        }

        @Override
        public Set<Long> groupIds() {
            Set<Long> ids = new java.util.TreeSet<>(statuses.keySet());
            ids.addAll(silent);
            return ids;
        }

        @Override
        public CompletableFuture<GroupStatus> status(long groupId) {
            asked++;
            if (silent.contains(groupId)) {
                return new CompletableFuture<>();
            }
            GroupStatus s = statuses.get(groupId);
            if (s == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("gone"));
            }
            if (!delayed) {
                return CompletableFuture.completedFuture(s);
            }
            inFlightMax.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return CompletableFuture.supplyAsync(() -> {
                inFlight.decrementAndGet();
                return s;
            }, CompletableFuture.delayedExecutor(2, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }

    private final FakeSource source = new FakeSource();
    private final List<List<LeaderChange>> seen = new ArrayList<>();

    private GroupCensus census(CensusConfig c) {
        GroupCensus g = new GroupCensus(source, c);
        g.addListener((report, changes) -> seen.add(changes));
        return g;
    }

    @Test
    void aCensusCountsRolesLeadersAndTheApplyLag() throws Exception {
        source.set(1, StateRole.LEADER, 1, 3);
        source.set(2, StateRole.FOLLOWER, 2, 5);
        source.set(3, StateRole.CANDIDATE, 0, 6);
        CensusReport r = census(CensusConfig.every(0)).takeCensus();
        assertThat(r.scans()).isEqualTo(1);
        assertThat(r.groups()).isEqualTo(3);
        assertThat(r.leaders()).isEqualTo(1);
        assertThat(r.followers()).isEqualTo(1);
        assertThat(r.candidates()).isEqualTo(1);
        assertThat(r.leaderless()).isEqualTo(1);
        assertThat(r.termMax()).isEqualTo(6);
        assertThat(r.applyLagMax()).isEqualTo(3);
        assertThat(r.unanswered()).isZero();
    }

    @Test
    void leaderMovesAndTermChangesAreSeenBetweenCensusesButAGapIsNot() throws Exception {
        GroupCensus c = census(CensusConfig.every(0));
        source.set(1, StateRole.LEADER, 1, 3);
        source.set(2, StateRole.FOLLOWER, 1, 3);
        c.takeCensus();
        assertThat(seen.get(0)).containsExactly(new LeaderChange(1, 0, 1, 0, 3), new LeaderChange(2, 0, 1, 0, 3));
        source.set(1, StateRole.FOLLOWER, 0, 4); // election under way: no leader known
        c.takeCensus();
        assertThat(seen.get(1)).isEmpty();
        source.set(1, StateRole.FOLLOWER, 2, 4);
        source.set(2, StateRole.FOLLOWER, 1, 3);
        CensusReport r = c.takeCensus();
        assertThat(seen.get(2)).containsExactly(new LeaderChange(1, 1, 2, 4, 4));
        assertThat(r.leaderChanges()).isEqualTo(3);
        assertThat(r.termChanges()).isEqualTo(1);
    }

    @Test
    void groupsThatDoNotAnswerInTimeOrFailAreCountedUnanswered() throws Exception {
        source.set(1, StateRole.LEADER, 1, 1);
        source.silent.add(2L);
        source.statuses.put(3L, null);
        CensusReport r = census(new CensusConfig(0, 8, 50, 100)).takeCensus();
        assertThat(r.groups()).isEqualTo(3);
        assertThat(r.leaders()).isEqualTo(1);
        assertThat(r.unanswered()).isEqualTo(2);
    }

    @Test
    void requestsGoOutInBoundedBatchesAndOnlyUpToGroupsMax() throws Exception {
        for (long g = 1; g <= 50; g++) {
            source.set(g, StateRole.FOLLOWER, 2, 1);
        }
        source.silent.add(51L);
        source.delayed = true; // each answer comes 2 ms later, so batches that overlapped would show
        CensusReport r = census(new CensusConfig(0, 7, 5_000, 40)).takeCensus();
        assertThat(source.asked).isEqualTo(40);
        assertThat(r.groups()).isEqualTo(40);
        assertThat(r.followers()).isEqualTo(40);
        assertThat(source.inFlightMax.get()).isBetween(1, 7);
    }

    @Test
    void invalidBoundsAreRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CensusConfig(0, 0, 1, 1).validate())
                .hasMessageContaining("batchSize");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CensusConfig.every(-1))
                .hasMessageContaining("intervalMs");
    }
}
