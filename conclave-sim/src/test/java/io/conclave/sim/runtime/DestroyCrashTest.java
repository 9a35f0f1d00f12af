package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.net.NetConfig;
import io.conclave.sim.net.Network;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A replica destroyed on a simulated node (the assembly's {@code destroyGroup}, as a partition move's
 * last step does), with the power cut after every number of disk changes the destruction makes: the
 * restart finds the group either intact (its tombstone was not durable yet) or gone with its
 * directory, never half of it; once gone it stays gone across later crashes, and the other groups
 * are untouched. A group gone is always in {@code node.meta}'s destruction record, written before
 * anything is destroyed (a replica created again for it later may have voted before: the reconciler
 * creates it rejoining).
 */
class DestroyCrashTest {

    private static final long GROUP = 2;

    /** One node hosting groups 1–3 alone, with a value written to each; returns it up and leading all. */
    private static RuntimeNode bootOneNode(Scheduler scheduler, Trace trace) {
        Network net = new Network(scheduler, SimRandom.of(1, "net"), trace, NetConfig.defaults(), new int[2]);
        RuntimeNetwork rnet = new RuntimeNetwork(net);
        RuntimeNode node = new RuntimeNode(1, scheduler, trace, new Oracle(), rnet, Set.of(),
                RuntimeSimConfig.defaultRuntime(1), false, SimRandom.of(1, "node-1"));
        rnet.attach(new RuntimeNode[] {null, node});
        node.start();
        for (long g = 1; g <= 3; g++) {
            node.createGroup(g, Set.of(1L));
        }
        for (long g = 1; g <= 3; g++) {
            long group = g;
            runUntil(scheduler, () -> node.replica(group) != null && node.replica(group).raft().isLeader());
            CompletableFuture<Long> f = node.propose(g, RegisterMachine.put("k", "v" + g));
            runUntil(scheduler, f::isDone);
        }
        return node;
    }

    private static void runUntil(Scheduler scheduler, BooleanSupplier done) {
        long end = scheduler.nowNs() + 5_000_000_000L;
        while (!done.getAsBoolean() && scheduler.nowNs() < end) {
            scheduler.runUntil(Math.min(end, scheduler.nowNs() + 5_000_000L));
        }
        assertThat(done.getAsBoolean()).as("condition within 5 simulated s").isTrue();
    }

    private static void restart(Scheduler scheduler, RuntimeNode node) {
        node.crash();
        node.start();
        for (long g : node.engine().groupIds()) {
            runUntil(scheduler, () -> node.replica(g).raft().isLeader()
                    && node.machine().get(g, "k") != null);
        }
    }

    @Test
    void aCrashAtAnyPointOfADestructionLeavesTheGroupWholeOrGoneAndGoneStaysGone() {
        int intact = 0;
        int gone = 0;
        int recordedIntact = 0;
        for (int mutations = 0; mutations <= 20; mutations++) {
            Scheduler scheduler = new Scheduler(50_000_000L);
            RuntimeNode node = bootOneNode(scheduler, new Trace());
            node.crashAfterMutations(mutations);
            node.destroyGroup(GROUP);
            scheduler.runUntil(scheduler.nowNs() + 200_000_000L);
            restart(scheduler, node);

            if (node.engine().groupIds().contains(GROUP)) {
                intact++;
                if (node.destroyedGroups().contains(GROUP)) {
                    recordedIntact++;
                }
                assertThat(node.machine().get(GROUP, "k")).as("cut after %d changes: intact", mutations)
                        .isEqualTo("v" + GROUP);
                CompletableFuture<Void> again = node.destroyGroup(GROUP);
                runUntil(scheduler, again::isDone);
                assertThat(again).isCompleted();
            } else {
                gone++;
                assertThat(node.destroyedGroups()).as("cut after %d changes: gone, so recorded", mutations)
                        .contains(GROUP);
            }
            assertThat(node.groupDirectories()).as("cut after %d changes", mutations).hasSize(2)
                    .noneMatch(d -> d.equals("2") || d.startsWith("2."));
            restart(scheduler, node);
            assertThat(node.engine().groupIds()).as("gone stays gone, cut after %d changes", mutations)
                    .containsExactly(1L, 3L);
            assertThat(node.replica(GROUP)).isNull();
            assertThat(node.machine().get(1, "k")).isEqualTo("v1");
            assertThat(node.machine().get(3, "k")).isEqualTo("v3");
        }
        assertThat(intact).as("some cuts land before the tombstone is durable").isPositive();
        assertThat(gone).as("some cuts land after it").isPositive();
        assertThat(recordedIntact).as("some cuts land between the record and the tombstone").isPositive();
    }
}
