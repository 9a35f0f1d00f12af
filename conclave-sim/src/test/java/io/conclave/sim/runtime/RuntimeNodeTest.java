package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.net.NetConfig;
import io.conclave.sim.net.Network;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import io.conclave.storage.disk.FileHandle;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** One to three simulated nodes of the real runtime, driven by hand through the scheduler. */
class RuntimeNodeTest {

    private final Scheduler scheduler = new Scheduler(50_000_000L);
    private final Trace trace = new Trace();
    private final Oracle oracle = new Oracle();
    private RuntimeNode[] nodes;

    private void boot(int n) {
        Network net = new Network(scheduler, SimRandom.of(1, "net"), trace, NetConfig.defaults(), new int[n + 1]);
        RuntimeNetwork rnet = new RuntimeNetwork(net);
        nodes = new RuntimeNode[n + 1];
        for (int i = 1; i <= n; i++) {
            Set<Long> peers = new java.util.TreeSet<>();
            for (long p = 1; p <= n; p++) {
                if (p != i) {
                    peers.add(p);
                }
            }
            nodes[i] = new RuntimeNode(i, scheduler, trace, oracle, rnet, peers, RuntimeSimConfig.defaultRuntime(1),
                    false, SimRandom.of(1, "node-" + i));
        }
        rnet.attach(nodes);
        for (int i = 1; i <= n; i++) {
            nodes[i].start();
        }
    }

    private void runUntil(BooleanSupplier done, long limitNs) {
        long end = scheduler.nowNs() + limitNs;
        while (!done.getAsBoolean() && scheduler.nowNs() < end) {
            scheduler.runUntil(Math.min(end, scheduler.nowNs() + 10_000_000L));
        }
        assertThat(done.getAsBoolean()).as("condition within " + limitNs / 1_000_000 + " ms").isTrue();
    }

    private boolean leads(int node, long group) {
        return nodes[node].replica(group) != null && nodes[node].replica(group).raft().isLeader();
    }

    @Test
    void aProposalAcknowledgedByThreeNodesSurvivesTheLeadersCrashAndRestart() {
        boot(3);
        for (int i = 1; i <= 3; i++) {
            nodes[i].createGroup(1, Set.of(1L, 2L, 3L));
        }
        runUntil(() -> leads(1, 1), 2_000_000_000L);
        CompletableFuture<Long> f = nodes[1].propose(1, RegisterMachine.put("k", "v1"));
        runUntil(f::isDone, 2_000_000_000L);
        long index = f.join();
        assertThat(nodes[1].machine().get(1, "k")).isEqualTo("v1");

        nodes[1].crash();
        assertThat(nodes[1].isUp()).isFalse();
        assertThat(nodes[1].propose(1, RegisterMachine.put("k", "v2"))).isNull();
        runUntil(() -> leads(2, 1) || leads(3, 1), 5_000_000_000L); // liveness suspects node 1, a follower takes over
        nodes[1].start();
        assertThat(nodes[1].incarnation()).isEqualTo(2);
        runUntil(() -> nodes[1].replica(1).status().appliedIndex() >= index, 5_000_000_000L);
        assertThat(nodes[1].machine().get(1, "k")).isEqualTo("v1"); // rebuilt from its own disk and the log
    }

    @Test
    void aCrashLosesTheInMemoryStateAndARestartRecoversEveryGroupFromTheDisk() {
        boot(1);
        for (long g = 1; g <= 20; g++) {
            nodes[1].createGroup(g, Set.of(1L));
        }
        runUntil(() -> {
            for (long g = 1; g <= 20; g++) {
                if (!leads(1, g)) {
                    return false;
                }
            }
            return true;
        }, 2_000_000_000L);
        CompletableFuture<Long> f = nodes[1].propose(7, RegisterMachine.put("a", "1"));
        runUntil(f::isDone, 1_000_000_000L);
        nodes[1].crash();
        assertThat(nodes[1].replica(7)).isNull();
        nodes[1].start();
        assertThat(nodes[1].engine().groupIds()).hasSize(20);
        runUntil(() -> leads(1, 7) && nodes[1].replica(7).status().appliedIndex() >= f.join(), 2_000_000_000L);
        assertThat(nodes[1].machine().get(7, "a")).isEqualTo("1");
    }

    @Test
    void theUnsyncedDiskLiesAboutWalFsyncsOnly() throws IOException {
        SimDisk disk = new SimDisk(3);
        UnsyncedDisk lying = new UnsyncedDisk(disk);
        lying.mkdirs("node/storage/wal");
        lying.mkdirs("node/storage/groups");
        try (FileHandle wal = lying.open("node/storage/wal/1.wal", OpenMode.CREATE);
             FileHandle seg = lying.open("node/storage/groups/1.log", OpenMode.CREATE)) {
            wal.append(new byte[] {1, 2, 3}, 0, 3);
            seg.append(new byte[] {4, 5, 6}, 0, 3);
            wal.sync();
            seg.sync();
        }
        assertThat(disk.hasUnsyncedWrites("node/storage/wal/1.wal")).isTrue();
        assertThat(disk.hasUnsyncedWrites("node/storage/groups/1.log")).isFalse();
    }
}
