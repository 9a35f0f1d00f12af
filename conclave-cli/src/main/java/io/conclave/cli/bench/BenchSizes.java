package io.conclave.cli.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How big each suite's run is. A null {@code groups} means each suite's own default: storage 1 and
 * 1,000 groups, runtime throughput 1, idle 1,000, failover 100.
 *
 * @param latencyRecords    sequential timed writes: data (STRONG produce) and runtime (commits)
 * @param latencyWarmupRecords data: untimed single writes just before the timed ones (the JIT's steady state)
 * @param throughputSeconds measuring window of each data throughput run
 * @param throughputWarmupSeconds data: produce load before the throughput windows (the four JVMs' JIT)
 * @param recordBytes       record / entry bytes of the data, storage and runtime suites
 * @param partitions        partitions of the data suite's topic
 * @param seconds           measuring window of storage, runtime throughput and idle; healthy window of failover
 * @param warmupSeconds     warm-up before the storage and runtime throughput windows
 * @param groups            group counts: storage runs each, the other suites the largest (null: defaults)
 * @param trials            failover trials
 * @param raftBatches       Raft core: proposals per batch, one run each
 * @param raftEntries       Raft core: entries per round (five rounds; figures from the last)
 * @param quiesceIdleTicks  idle suite: ticks before an idle group rests (0 = quiescence off)
 * @param dir               where the storage and runtime suites put their data (a fresh directory each)
 */
public record BenchSizes(int latencyRecords, int latencyWarmupRecords, int throughputSeconds, int throughputWarmupSeconds, int recordBytes, int partitions, int seconds,
                         int warmupSeconds, List<Integer> groups, int trials, List<Integer> raftBatches,
                         long raftEntries, int quiesceIdleTicks, Path dir) {

    /** Rounds of the Raft core probe; the first ones warm the JIT up. */
    public static final int RAFT_ROUNDS = 5;

    public BenchSizes {
        groups = groups == null ? null : List.copyOf(groups);
        raftBatches = List.copyOf(raftBatches);
        Objects.requireNonNull(dir, "dir");
    }

    /** Throws {@link IllegalArgumentException} naming the first bad flag. */
    public BenchSizes validate() {
        positive("--latency-records", latencyRecords);
        if (latencyWarmupRecords < 0) {
            throw new IllegalArgumentException("--latency-warmup-records must be >= 0, was " + latencyWarmupRecords);
        }
        positive("--throughput-seconds", throughputSeconds);
        if (throughputWarmupSeconds < 0) {
            throw new IllegalArgumentException("--throughput-warmup-seconds must be >= 0, was " + throughputWarmupSeconds);
        }
        positive("--size", recordBytes);
        positive("--partitions", partitions);
        positive("--seconds", seconds);
        positive("--trials", trials);
        if (warmupSeconds < 0) {
            throw new IllegalArgumentException("--warmup-seconds must be >= 0, was " + warmupSeconds);
        }
        positive("--raft-entries", raftEntries);
        if (quiesceIdleTicks < 0) {
            throw new IllegalArgumentException("--quiesce-idle-ticks must be >= 0, was " + quiesceIdleTicks);
        }
        if (groups != null && (groups.isEmpty() || groups.stream().anyMatch(g -> g < 1))) {
            throw new IllegalArgumentException("--groups must list counts >= 1, was " + groups);
        }
        if (raftBatches.isEmpty() || raftBatches.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("--raft-batches must list sizes >= 1, was " + raftBatches);
        }
        return this;
    }

    private static void positive(String flag, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(flag + " must be >= 1, was " + v);
        }
    }

    /** The storage suite's group counts. */
    List<Integer> storageGroups() {
        return groups == null ? List.of(1, 1000) : groups;
    }

    /** One group count for a suite: the largest given, or the suite's default. */
    int groupsOr(int dflt) {
        return groups == null ? dflt : groups.stream().mapToInt(Integer::intValue).max().orElse(dflt);
    }
}
