package io.conclave.sim.runtime;

import io.conclave.multiraft.liveness.LivenessConfig;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.storage.engine.EngineConfig;
import java.util.EnumSet;

/**
 * One runtime simulation run.
 *
 * @param seed the run seed: every random choice derives from it
 * @param nodes simulated machines (ids 1..nodes)
 * @param groups Raft groups; each has {@code replicas} replicas on consecutive nodes
 * @param replicas replicas per group (at most {@code nodes})
 * @param faultNs simulated length of the fault phase
 * @param clients concurrent clients of the workload
 * @param keysPerGroup registers per group the clients touch
 * @param activeGroupsMax groups the clients touch (spread evenly over all groups), so keys stay checkable
 * @param opTimeoutNs a client gives up on an operation after this (outcome unknown)
 * @param faults the fault kinds the swarm may draw
 * @param dropFsync the planted bug: fsyncs report success without making anything durable
 * @param settleNsMax after healing, time allowed for every group to converge
 * @param runtime the node runtime's configuration (loops, ticks, liveness, storage)
 * @param lyingFullDisk the planted bug: a write that does not fit on a full disk is dropped and reported done
 * @param buggify whether the buggify points are on: null lets the seed decide (a quarter of the seeds)
 * @param leaderMoveAfterDataLoss whether the simulated operator moves the leadership of every group of a
 *     node that came back without data it had ({@link RuntimeControl#afterDataLoss}); off, only the
 *     product's own repair ({@code Replica.onPeerRecovered}) brings the node's replicas back
 */
public record RuntimeSimConfig(long seed, int nodes, int groups, int replicas, long faultNs, int clients,
                               int keysPerGroup, int activeGroupsMax, long opTimeoutNs, EnumSet<RuntimeFault> faults,
                               boolean dropFsync, long settleNsMax, RuntimeConfig runtime, boolean lyingFullDisk,
                               Boolean buggify, boolean leaderMoveAfterDataLoss) {

    /** As the canonical constructor, with no lying disk, buggify left to the seed and the operator's leader move on. */
    public RuntimeSimConfig(long seed, int nodes, int groups, int replicas, long faultNs, int clients,
                            int keysPerGroup, int activeGroupsMax, long opTimeoutNs, EnumSet<RuntimeFault> faults,
                            boolean dropFsync, long settleNsMax, RuntimeConfig runtime) {
        this(seed, nodes, groups, replicas, faultNs, clients, keysPerGroup, activeGroupsMax, opTimeoutNs, faults,
                dropFsync, settleNsMax, runtime, false, null, true);
    }

    public RuntimeSimConfig {
        faults = faults.isEmpty() ? EnumSet.noneOf(RuntimeFault.class) : EnumSet.copyOf(faults);
    }

    /** Three nodes, {@code groups} groups of three, every fault, ten simulated seconds of faults. */
    public static RuntimeSimConfig defaults(long seed, int groups) {
        return new RuntimeSimConfig(seed, 3, groups, 3, 10_000_000_000L, 8, 2, 64, 3_000_000_000L,
                EnumSet.allOf(RuntimeFault.class), false, 60_000_000_000L, defaultRuntime(seed));
    }

    /** The runtime as in production, but two loops (to exercise group placement), smaller snapshots. */
    static RuntimeConfig defaultRuntime(long seed) {
        return defaultRuntime(seed, 200, 50);
    }

    /**
     * As {@link #defaultRuntime(long)}, with a snapshot every {@code snapshotEntries} applied entries.
     * WAL files are preallocated, as a node's are, but 256 KiB long (64 MiB in production) so that runs
     * roll through many of them and a simulated disk holds a spare without much memory.
     */
    static RuntimeConfig defaultRuntime(long seed, int snapshotEntries, int compactKeepEntries) {
        EngineConfig storage = EngineConfig.defaults();
        storage = storage.withWal(storage.wal().withFileBytesTarget(SIM_WAL_FILE_BYTES).withPreallocate(true));
        return RuntimeConfig.builder().loopCount(2).snapshotEntries(snapshotEntries)
                .compactKeepEntries(compactKeepEntries).requestTimeoutNs(2_000_000_000L)
                .liveness(LivenessConfig.defaults()).storage(storage).seed(seed).build();
    }

    /**
     * The simulated nodes' WAL file length. Few runs get past their second file at this length, so WAL
     * files are rarely reclaimed and recycled; {@link #withWalFileBytes} (and {@code --wal-file-bytes})
     * shortens them for runs that should recycle (16 KiB: about ten recycled files a run). The default
     * stays, because the seed-bound regression tests hold their stories at it.
     */
    static final long SIM_WAL_FILE_BYTES = 256 << 10;

    /** The nodes' WAL files {@code bytes} long (at least 4 KiB). */
    public RuntimeSimConfig withWalFileBytes(long bytes) {
        EngineConfig storage = runtime.storage();
        return withRuntime(runtime.withStorage(storage.withWal(storage.wal().withFileBytesTarget(bytes))));
    }

    public RuntimeSimConfig withFaultNs(long ns) {
        return new RuntimeSimConfig(seed, nodes, groups, replicas, ns, clients, keysPerGroup, activeGroupsMax,
                opTimeoutNs, faults, dropFsync, settleNsMax, runtime, lyingFullDisk, buggify, leaderMoveAfterDataLoss);
    }

    public RuntimeSimConfig withFaults(EnumSet<RuntimeFault> f) {
        return new RuntimeSimConfig(seed, nodes, groups, replicas, faultNs, clients, keysPerGroup, activeGroupsMax,
                opTimeoutNs, f, dropFsync, settleNsMax, runtime, lyingFullDisk, buggify, leaderMoveAfterDataLoss);
    }

    public RuntimeSimConfig withDropFsync(boolean on) {
        return new RuntimeSimConfig(seed, nodes, groups, replicas, faultNs, clients, keysPerGroup, activeGroupsMax,
                opTimeoutNs, faults, on, settleNsMax, runtime, lyingFullDisk, buggify, leaderMoveAfterDataLoss);
    }

    public RuntimeSimConfig withLyingFullDisk(boolean on) {
        return new RuntimeSimConfig(seed, nodes, groups, replicas, faultNs, clients, keysPerGroup, activeGroupsMax,
                opTimeoutNs, faults, dropFsync, settleNsMax, runtime, on, buggify, leaderMoveAfterDataLoss);
    }

    /** Buggify on ({@code true}), off ({@code false}) or as the seed decides ({@code null}). */
    public RuntimeSimConfig withBuggify(Boolean on) {
        return new RuntimeSimConfig(seed, nodes, groups, replicas, faultNs, clients, keysPerGroup, activeGroupsMax,
                opTimeoutNs, faults, dropFsync, settleNsMax, runtime, lyingFullDisk, on, leaderMoveAfterDataLoss);
    }

    /** Whether the simulated operator moves leadership away after a node lost data (on by default). */
    public RuntimeSimConfig withLeaderMoveAfterDataLoss(boolean on) {
        return new RuntimeSimConfig(seed, nodes, groups, replicas, faultNs, clients, keysPerGroup, activeGroupsMax,
                opTimeoutNs, faults, dropFsync, settleNsMax, runtime, lyingFullDisk, buggify, on);
    }

    public RuntimeSimConfig withNodes(int n, int r) {
        return new RuntimeSimConfig(seed, n, groups, r, faultNs, clients, keysPerGroup, activeGroupsMax,
                opTimeoutNs, faults, dropFsync, settleNsMax, runtime, lyingFullDisk, buggify, leaderMoveAfterDataLoss);
    }

    /** The same run on another node runtime configuration. */
    public RuntimeSimConfig withRuntime(RuntimeConfig r) {
        return new RuntimeSimConfig(seed, nodes, groups, replicas, faultNs, clients, keysPerGroup, activeGroupsMax,
                opTimeoutNs, faults, dropFsync, settleNsMax, r, lyingFullDisk, buggify, leaderMoveAfterDataLoss);
    }

    public RuntimeSimConfig withClients(int c) {
        return new RuntimeSimConfig(seed, nodes, groups, replicas, faultNs, c, keysPerGroup, activeGroupsMax,
                opTimeoutNs, faults, dropFsync, settleNsMax, runtime, lyingFullDisk, buggify, leaderMoveAfterDataLoss);
    }

    public RuntimeSimConfig validate() {
        require(nodes >= 1 && nodes <= 1_000, "nodes must be in [1, 1000]");
        require(replicas >= 1 && replicas <= nodes, "replicas must be in [1, nodes]");
        require(groups >= 1 && groups <= 1_000_000, "groups must be in [1, 1e6]");
        require(faultNs >= 0 && settleNsMax > 0, "faultNs >= 0, settleNsMax > 0");
        require(clients >= 0 && clients <= 10_000, "clients must be in [0, 10000]");
        require(keysPerGroup >= 1 && activeGroupsMax >= 1, "keysPerGroup and activeGroupsMax must be >= 1");
        require(opTimeoutNs > 0, "opTimeoutNs must be > 0");
        runtime.validate();
        return this;
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("invalid runtime simulation config: " + msg);
        }
    }
}
