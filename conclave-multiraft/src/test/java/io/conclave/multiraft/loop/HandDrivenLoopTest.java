package io.conclave.multiraft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.node.BackPressureException;
import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.net.LoopbackNetwork;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.replica.Replica;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.multiraft.support.TestStateMachine;
import io.conclave.multiraft.time.ManualClock;
import io.conclave.raft.ConfState;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.engine.EngineConfig;
import io.conclave.storage.engine.StorageEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One loop, its applier and the storage engine stepped by hand on the test thread with a manual
 * clock: no thread, no wall clock. Time moves only when the test moves it.
 */
class HandDrivenLoopTest {

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final TestStateMachine machine = new TestStateMachine();
    private StorageEngine engine;
    private EventLoop loop;
    private Applier applier;
    private Replica replica;

    @BeforeEach
    void setUp() throws IOException {
        engine = StorageEngine.open(new SimDisk(3), "s", EngineConfig.defaults(), clock::nowMs);
        RuntimeConfig config = TestCluster.fastConfig().loopCount(1).taskQueueCapacity(4)
                .proposalsPendingPerGroupMax(2).build(); // 10 ms ticks, election 20 ticks
        applier = new Applier(machine, 16, 1_000, 1 << 20, 64);
        loop = new EventLoop(0, config, new LoopbackNetwork().endpoint(1), applier, clock.nowNs());
        replica = new Replica(loop, 1, 1, engine.createGroup(1, ConfState.ofVoters(1)), false, g -> { });
        loop.addReplica(replica); // the test thread is the loop's thread
    }

    @AfterEach
    void tearDown() throws IOException {
        engine.close();
    }

    /** One round: loop, storage, applier, loop again (to take the completions they posted). */
    private void step() {
        loop.doWork(clock.nowNs());
        engine.doWork();
        applier.doWork(clock.nowNs());
        loop.doWork(clock.nowNs());
    }

    private int driveUntil(BooleanSupplier done, int stepsMax, long msPerStep) {
        for (int i = 0; i < stepsMax; i++) {
            if (done.getAsBoolean()) {
                return i;
            }
            clock.advanceMs(msPerStep);
            step();
        }
        throw new AssertionError("not done within " + stepsMax + " steps");
    }

    @Test
    void ticksComeOnlyFromTheInjectedClock() {
        for (int i = 0; i < 1_000; i++) {
            step(); // time does not move: however often the loop runs, no election timeout passes
        }
        assertThat(replica.status().isLeader()).isFalse();
        clock.advanceMs(190); // under the smallest election timeout (20 ticks of 10 ms)
        step();
        assertThat(replica.status().isLeader()).isFalse();
        driveUntil(() -> replica.status().isLeader(), 100, 10); // within 2 x 20 ticks
    }

    @Test
    void proposalCompletesWithItsIndexOnceApplied() {
        replica.scheduleCampaign(0, 1_000_000L);
        driveUntil(() -> replica.status().isLeader(), 10, 1);
        CompletableFuture<Long> f = new CompletableFuture<>();
        assertThat(loop.offerTask(() -> replica.propose("hello".getBytes(), f))).isTrue();
        driveUntil(f::isDone, 10, 1);
        assertThat(f.join()).isEqualTo(2); // after the leader's no-op at 1
        assertThat(machine.values(1)).containsExactly("hello");
        assertThat(loop.stats().electionsStarted()).isEqualTo(1);
    }

    @Test
    void proposalsBeyondTheirBoundsFailWithTypedExceptions() {
        CompletableFuture<Long> early = new CompletableFuture<>();
        loop.offerTask(() -> replica.propose("x".getBytes(), early));
        step();
        assertThat(early).isCompletedExceptionally();
        assertThat(early.handle((v, e) -> e).join()).isInstanceOf(NotLeaderException.class);

        replica.scheduleCampaign(0, 1_000_000L);
        driveUntil(() -> replica.status().isLeader(), 10, 1);
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            assertThat(loop.offerTask(() -> replica.propose(("p" + fs.size()).getBytes(), f))).isTrue();
            fs.add(f);
        }
        assertThat(loop.offerTask(() -> { })).isFalse(); // the task queue holds 4
        assertThat(loop.stats().tasksRefused()).isEqualTo(1);
        loop.doWork(clock.nowNs()); // all four proposals reach the replica before anything commits
        assertThat(fs.subList(2, 4)).allSatisfy(f ->
                assertThat(f.handle((v, e) -> e).join()).isInstanceOf(BackPressureException.class));
        driveUntil(() -> fs.get(0).isDone() && fs.get(1).isDone(), 10, 1);
        assertThat(fs.get(0).join()).isLessThan(fs.get(1).join());
    }
}
