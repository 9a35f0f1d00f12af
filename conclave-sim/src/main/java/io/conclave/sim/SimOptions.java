package io.conclave.sim;

import io.conclave.sim.cluster.SimConfig;
import io.conclave.sim.nemesis.FaultKind;
import io.conclave.sim.node.HostBug;
import io.conclave.sim.runtime.RuntimeFault;
import io.conclave.sim.runtime.RuntimeSimConfig;
import io.conclave.sim.workload.WorkloadConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Parsed command-line options of {@link SimMain}. {@link #parse} throws
 * {@link IllegalArgumentException} with a message naming the bad option.
 */
public record SimOptions(long seed, int seeds, int nodes, int groups, int replicas, int ops, String nemesis,
                         Path history, double durationSeconds, HostBug plant, boolean json, boolean leaseReads,
                         Boolean buggify, boolean trace, boolean runtime, List<String> replayArgs,
                         boolean logWorkload, boolean unfencedReads, boolean lyingFullDisk,
                         boolean leaderMoveAfterDataLoss, boolean metadataWorkload, boolean localMetadataReads,
                         boolean skipLossCheck, boolean earlyRemoval, boolean undurableRemoval, boolean assumeHosted,
                         long walFileBytes) {

    public static final String USAGE = "usage: SimMain [--help] --seed S [--seeds N] [--nodes N] [--groups G] [--replicas R]"
            + " [--ops K] [--nemesis LIST] [--history FILE] [--duration SIMSECONDS] [--plant BUG] [--lease]"
            + " [--buggify on|off] [--trace] [--json] [--runtime [--workload registers|log|metadata] [--no-leader-move]"
            + " [--wal-file-bytes B]]\n"
            + "  LIST: all, none, or a comma-separated list of " + String.join(",",
                    java.util.Arrays.stream(FaultKind.values()).map(FaultKind::label).toList()) + "\n"
            + "  BUG: " + String.join(",", java.util.Arrays.stream(HostBug.values())
                    .map(b -> b.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList()) + "\n"
            + "  --runtime: the real node runtime (storage engine, event loops, liveness) instead of the Raft-core\n"
            + "    host; LIST then takes " + String.join(",", java.util.Arrays.stream(RuntimeFault.values())
                    .map(RuntimeFault::label).toList()) + "; BUG only drop-fsync (the WAL acks without fsync) or\n"
            + "    lying-full-disk (a write that does not fit on a full disk is dropped and reported done)\n"
            + "  --no-leader-move (with --runtime): the simulated operator does not move leadership away from a\n"
            + "    node's groups after it lost data (a wipe, corruption); only the runtime repairs the replicas\n"
            + "  --wal-file-bytes B (with --runtime): the nodes' WAL files B bytes long (default 262144, at least\n"
            + "    4096); 16384 makes every run reclaim and recycle WAL files, which the default rarely does\n"
            + "  --workload log (with --runtime): the server's data plane (partitions, produce, fetch) under a log\n"
            + "    workload; BUG then also unfenced-reads (LINEARIZABLE reads skip the ReadIndex barrier)\n"
            + "  --workload metadata (with --runtime): the controller's metadata path (MetadataLog, the controller's\n"
            + "    handlers) on every group, topics created, altered and described as registers; BUG then also\n"
            + "    local-metadata-reads (describes read any node's local image, no leader check, no ReadIndex) or\n"
            + "    skip-loss-check (the nodes' reconcilers create a wiped node's partition replicas as plain voters) or\n"
            + "    early-removal (the nodes' replica removers destroy a replica the image no longer assigns before\n"
            + "    its removal from the group's membership is committed) or undurable-removal (they destroy it once\n"
            + "    the removal is committed, before the partition leader's durable commit covers it) or\n"
            + "    assume-hosted (the reconcilers take every partition as one the node may have hosted before, the\n"
            + "    rule before the destruction record: a genesis voter created after a replica-set change rejoins)";

    public static SimOptions parse(String[] args) {
        long seed = 1;
        int seeds = 1;
        int nodes = 3;
        int groups = 1;
        int replicas = -1;
        int ops = -1;
        String nemesis = "all";
        Path history = null;
        double duration = 10;
        HostBug plant = null;
        boolean json = false;
        boolean lease = false;
        Boolean buggify = null;
        boolean trace = false;
        boolean runtime = false;
        boolean log = false;
        boolean unfenced = false;
        boolean lyingFullDisk = false;
        boolean leaderMove = true;
        boolean metadata = false;
        boolean localReads = false;
        boolean skipLossCheck = false;
        boolean earlyRemoval = false;
        boolean undurableRemoval = false;
        boolean assumeHosted = false;
        long walFileBytes = 0;
        List<String> replay = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--seeds" -> seeds = positive(Integer.parseInt(value(args, ++i, a)), a);
                case "--nodes" -> nodes = positive(Integer.parseInt(value(args, ++i, a)), a);
                case "--groups" -> groups = positive(Integer.parseInt(value(args, ++i, a)), a);
                case "--replicas" -> replicas = positive(Integer.parseInt(value(args, ++i, a)), a);
                case "--ops" -> ops = Integer.parseInt(value(args, ++i, a));
                case "--nemesis" -> nemesis = value(args, ++i, a);
                case "--history" -> history = Path.of(value(args, ++i, a));
                case "--duration" -> duration = Double.parseDouble(value(args, ++i, a));
                case "--plant" -> {
                    String bug = value(args, ++i, a);
                    if (bug.equals("unfenced-reads")) {
                        unfenced = true;
                    } else if (bug.equals("local-metadata-reads")) {
                        localReads = true;
                    } else if (bug.equals("skip-loss-check")) {
                        skipLossCheck = true;
                    } else if (bug.equals("early-removal")) {
                        earlyRemoval = true;
                    } else if (bug.equals("undurable-removal")) {
                        undurableRemoval = true;
                    } else if (bug.equals("assume-hosted")) {
                        assumeHosted = true;
                    } else if (bug.equals("lying-full-disk")) {
                        lyingFullDisk = true;
                    } else {
                        plant = parseBug(bug);
                    }
                }
                case "--workload" -> {
                    String w = parseWorkload(value(args, ++i, a));
                    log = w.equals("log");
                    metadata = w.equals("metadata");
                }
                case "--json" -> json = true;
                case "--lease" -> lease = true;
                case "--buggify" -> buggify = parseOnOff(value(args, ++i, a));
                case "--trace" -> trace = true;
                case "--runtime" -> runtime = true;
                case "--no-leader-move" -> leaderMove = false;
                case "--wal-file-bytes" -> {
                    walFileBytes = Long.parseLong(value(args, ++i, a));
                    if (walFileBytes < 4096) {
                        throw new IllegalArgumentException("--wal-file-bytes must be >= 4096, was " + walFileBytes);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
            }
            if (!a.equals("--seed") && !a.equals("--seeds") && !a.equals("--history") && !a.equals("--json")
                    && !a.equals("--trace")) {
                replay.add(a);
                if (!a.equals("--lease") && !a.equals("--runtime") && !a.equals("--no-leader-move")) {
                    replay.add(args[i]);
                }
            }
        }
        if ((log || unfenced || metadata || localReads) && !runtime) {
            throw new IllegalArgumentException("--workload and --plant unfenced-reads, local-metadata-reads need"
                    + " --runtime\n" + USAGE);
        }
        if ((localReads || skipLossCheck || earlyRemoval || undurableRemoval || assumeHosted) && !metadata) {
            throw new IllegalArgumentException("--plant local-metadata-reads, skip-loss-check, early-removal,"
                    + " undurable-removal, assume-hosted need"
                    + " --workload metadata\n"
                    + USAGE);
        }
        if (localReads && !metadata) {
            throw new IllegalArgumentException("--plant local-metadata-reads needs --workload metadata\n" + USAGE);
        }
        if (walFileBytes > 0 && !runtime) {
            throw new IllegalArgumentException("--wal-file-bytes needs --runtime\n" + USAGE);
        }
        if (!leaderMove && !runtime) {
            throw new IllegalArgumentException("--no-leader-move needs --runtime\n" + USAGE);
        }
        if (lyingFullDisk && !runtime) {
            throw new IllegalArgumentException("--plant lying-full-disk needs --runtime\n" + USAGE);
        }
        if (unfenced && !log) {
            throw new IllegalArgumentException("--plant unfenced-reads needs --workload log\n" + USAGE);
        }
        if (runtime) {
            RuntimeFault.parseList(nemesis);
            if (plant != null && plant != HostBug.DROP_FSYNC) {
                throw new IllegalArgumentException("--runtime takes only --plant drop-fsync\n" + USAGE);
            }
        } else {
            FaultKind.parseList(nemesis);
        }
        if (duration < 0) {
            throw new IllegalArgumentException("--duration must be >= 0 simulated seconds");
        }
        return new SimOptions(seed, seeds, nodes, groups, replicas, ops, nemesis, history, duration, plant, json,
                lease, buggify, trace, runtime, List.copyOf(replay), log, unfenced, lyingFullDisk,
                leaderMove, metadata, localReads, skipLossCheck, earlyRemoval, undurableRemoval, assumeHosted,
                walFileBytes);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static int positive(int v, String option) {
        if (v <= 0) {
            throw new IllegalArgumentException(option + " must be > 0, was " + v);
        }
        return v;
    }

    private static Boolean parseOnOff(String v) {
        return switch (v) {
            case "on" -> Boolean.TRUE;
            case "off" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("--buggify takes on or off, not '" + v + "'");
        };
    }

    private static String parseWorkload(String v) {
        return switch (v) {
            case "log", "registers", "metadata" -> v;
            default -> throw new IllegalArgumentException("unknown workload '" + v + "' (registers, log or metadata)\n"
                    + USAGE);
        };
    }

    /** The metadata workload's options ({@code --workload metadata}). */
    public io.conclave.sim.runtime.MetadataOptions metadataOptions() {
        return io.conclave.sim.runtime.MetadataOptions.defaults().withPlantedLocalReads(localMetadataReads)
                .withPlantedSkipLossCheck(skipLossCheck).withPlantedEarlyRemoval(earlyRemoval)
                .withPlantedUndurableRemoval(undurableRemoval).withPlantedAssumeHosted(assumeHosted);
    }

    /** The log workload's options ({@code --workload log}). */
    public io.conclave.sim.runtime.LogOptions logOptions() {
        return io.conclave.sim.runtime.LogOptions.defaults().withPlantedUnfencedReads(unfencedReads);
    }

    static HostBug parseBug(String v) {
        String n = v.toUpperCase(Locale.ROOT).replace('-', '_');
        for (HostBug b : HostBug.values()) {
            if (b.name().equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown planted bug '" + v + "'\n" + USAGE);
    }

    /**
     * The configuration of one seed's run of the real runtime ({@code --runtime}): 3 nodes and
     * replicas unless told, {@code --duration} of faults, eight clients ({@code --ops} does not apply:
     * clients run for the whole fault phase).
     */
    public RuntimeSimConfig runtimeConfig(long runSeed) {
        int r = replicas > 0 ? replicas : Math.min(nodes, 3);
        if (r > nodes) {
            throw new IllegalArgumentException("--replicas " + r + " exceeds --nodes " + nodes);
        }
        RuntimeSimConfig c = RuntimeSimConfig.defaults(runSeed, groups).withNodes(nodes, r)
                .withFaultNs((long) (durationSeconds * 1e9)).withFaults(RuntimeFault.parseList(nemesis))
                .withDropFsync(plant == HostBug.DROP_FSYNC).withLyingFullDisk(lyingFullDisk).withBuggify(buggify)
                .withLeaderMoveAfterDataLoss(leaderMoveAfterDataLoss);
        if (metadataWorkload) {
            c = io.conclave.sim.runtime.MetadataOptions.withFrequentSnapshots(c);
        }
        if (walFileBytes > 0) {
            c = c.withWalFileBytes(walFileBytes);
        }
        return c.validate();
    }

    /** The configuration of one seed's run. */
    public SimConfig config(long runSeed) {
        int r = replicas > 0 ? replicas : (nodes <= 5 ? nodes : 3);
        if (r > nodes) {
            throw new IllegalArgumentException("--replicas " + r + " exceeds --nodes " + nodes);
        }
        SimConfig base = SimConfig.defaults(runSeed).withCluster(nodes, groups, r);
        WorkloadConfig w = base.workload();
        if (groups > 50) {
            w = w.withKeys(1, 1);
        }
        int opsTotal = ops >= 0 ? ops : (groups > 50 ? 2 * groups : 300);
        base = base.withWorkload(w.withOps(opsTotal))
                .withFaultNs((long) (durationSeconds * 1e9))
                .withNemeses(FaultKind.parseList(nemesis))
                .withBugs(plant == null ? EnumSet.noneOf(HostBug.class) : EnumSet.of(plant))
                .withBuggify(buggify);
        if (leaseReads) {
            base = base.withHost(base.host().withLeaseReads(true));
        }
        if (groups > 50) {
            // Thousands of idle groups tick on every node: a coarser tick keeps the run cheap
            // (election timeout 500 ms, heartbeats every 100 ms).
            base = base.withHost(base.host().withTickNs(50_000_000L).withHeartbeatTicks(2, 10));
        }
        return base.validate();
    }

    /**
     * The command that replays seed {@code s} with these options, on the jar that
     * {@code mvn -q -pl conclave-sim -am package -DskipTests} builds.
     */
    public String replayCommand(long s) {
        StringBuilder b = new StringBuilder("java -jar conclave-sim/target/simulator.jar --seed " + s);
        for (String a : replayArgs) {
            b.append(' ').append(a);
        }
        return b.toString();
    }
}
