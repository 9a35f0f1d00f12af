package io.conclave.sim.runtime;

import io.conclave.check.CheckResult;
import io.conclave.check.Checkers;
import io.conclave.check.history.History;
import io.conclave.sim.cluster.Simulation;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.sim.cluster.SimResult;
import io.conclave.sim.core.Buggify;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.invariant.InvariantViolation;
import io.conclave.sim.net.NetConfig;
import io.conclave.sim.net.Network;
import io.conclave.storage.engine.GroupLog;
import io.conclave.storage.engine.StorageEngine;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One seed of the real runtime under simulation: boot the nodes and create every group, wait for a
 * leader in each, run the workload while the nemesis injects faults, heal, wait for every group to
 * settle, read every key touched, check convergence and that no acknowledged proposal was lost, then
 * run the history checkers. Safety invariants (one leader per term per group, identical applied
 * prefixes) are checked as the run goes and end it at the first violation.
 */
public final class RuntimeSimulation {

    private static final long SAMPLE_NS = 5_000_000L;
    private static final long POLL_NS = 50_000_000L;
    private static final long STARTUP_NS_MAX = 30_000_000_000L;
    private static final long FINAL_READS_NS_MAX = 20_000_000_000L;

    private final RuntimeSimConfig config;
    private final Scheduler scheduler = new Scheduler(2_000_000_000L);
    private final Trace trace = new Trace();
    private final Oracle oracle = new Oracle();
    private final Placement placement = new Placement();
    private final RuntimeNode[] nodes;
    private final Network network;
    private final long[][] leaderTermSeen; // [node][group]: the last term the sampler saw the node lead in
    private RuntimeNemesis nemesis;
    private RuntimeWorkload workload;
    private final LogOptions logOptions; // null: the register workload
    private LogWorkload logWorkload;
    private final MetadataOptions metadataOptions; // null unless the metadata workload
    private MetadataWorkload metadataWorkload;
    private final MetadataPlane.Stats metadataStats = new MetadataPlane.Stats();
    /** The partition groups the nodes' reconcilers create; null unless the metadata workload reconciles. */
    private final PartitionGroups partitionGroups;
    private final PartitionChecks partitionChecks;
    private final NodeReconciliation.Shared shared; // null unless the nodes reconcile
    private PartitionWriter partitionWriter;
    private TopicChurn topicChurn;
    private String partitionVerdict; // "valid" / "invalid" once the partition groups were checked
    private long faultStartNs;
    private String placementVerdict; // "valid" / "invalid" once the end-of-run placement check ran
    private final Buggify buggify;
    private final RuntimeControl control;
    private final ReplicaChecks replicaChecks;
    private boolean guardCrashes; // the nodes take a cut WAL tail for a possible loss: crashes wait (RuntimeNemesis)

    private RuntimeSimulation(RuntimeSimConfig config, LogOptions logOptions, PrintStream echo) {
        this(config, logOptions, null, echo);
    }

    private RuntimeSimulation(RuntimeSimConfig config, LogOptions logOptions, MetadataOptions metadataOptions,
                              PrintStream echo) {
        this.config = config.validate();
        this.logOptions = logOptions == null ? null : logOptions.validate();
        this.metadataOptions = metadataOptions == null ? null : metadataOptions.validate();
        if (echo != null) {
            trace.echoTo(echo);
        }
        int n = config.nodes();
        int[] rackOf = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            rackOf[i] = (i - 1) % 3;
        }
        network = new Network(scheduler, SimRandom.of(config.seed(), "net"), trace, NetConfig.defaults(), rackOf);
        RuntimeNetwork rnet = new RuntimeNetwork(network);
        nodes = new RuntimeNode[n + 1];
        SimRandom nodeRandom = SimRandom.of(config.seed(), "nodes");
        // A disk that may cut or flip fsynced bytes (the corruption fault) can lose an acknowledged tail
        // that recovery cannot tell from a torn write: such a run takes the operator's option for
        // untrusted disks, as docs/multiraft.md advises; every other run keeps the product's default.
        RuntimeConfig runtime = config.faults().contains(RuntimeFault.CORRUPTION)
                ? config.runtime().withRejoinAfterTornTail(true) : config.runtime();
        guardCrashes = runtime.rejoinAfterTornTail();
        for (int i = 1; i <= n; i++) {
            nodes[i] = new RuntimeNode(i, scheduler, trace, oracle, rnet, peersOf(i), runtime,
                    config.dropFsync(), nodeRandom.child("node-" + i));
            if (logOptions != null) {
                nodes[i].useDataPlane();
            }
            if (metadataOptions != null) {
                nodes[i].useMetadataPlane(metadataStats, metadataOptions.requestTimeoutNs());
            }
            if (config.lyingFullDisk()) {
                nodes[i].plantLyingFullDisk();
            }
        }
        rnet.attach(nodes);
        partitionGroups = reconciles(config, metadataOptions) ? new PartitionGroups() : null;
        partitionChecks = new PartitionChecks(nodes, config.groups(), this::votersOf, partitionGroups);
        shared = partitionGroups == null ? null : new NodeReconciliation.Shared(scheduler, trace, network, nodes,
                config.groups(), partitionGroups, metadataOptions.plantedSkipLossCheck(),
                metadataOptions.plantedEarlyRemoval(), metadataOptions.plantedUndurableRemoval(), placement::learners);
        if (shared != null) {
            shared.plantedAssumeHosted = metadataOptions.plantedAssumeHosted();
        }
        for (int i = 1; i <= n && shared != null; i++) {
            nodes[i].useReconciler(shared);
        }
        for (long g = 1; g <= config.groups(); g++) {
            placement.place(g, genesisOf(g));
            if (metadataOptions != null) {
                placement.placeLearners(g, learnersOf(g));
            }
        }
        leaderTermSeen = new long[n + 1][config.groups() + 1];
        SimRandom bugRandom = SimRandom.of(config.seed(), "buggify");
        boolean bugOn = config.buggify() != null ? config.buggify() : bugRandom.chance(0.25);
        buggify = new Buggify(bugOn, 0.02, bugRandom);
        control = new RuntimeControl(scheduler, SimRandom.of(config.seed(), "control"), trace, nodes, config.groups(),
                placement, SimRandom.of(config.seed(), "moves"), SimRandom.of(config.seed(), "moves.power-cut"));
        for (int i = 1; i <= n && config.leaderMoveAfterDataLoss(); i++) {
            nodes[i].onDataLoss(control::afterDataLoss);
        }
        replicaChecks = new ReplicaChecks(config, nodes, placement, control, oracle, partitionGroups, partitionChecks,
                metadataOptions != null ? ReplicaChecks.State.IMAGE
                        : logOptions == null ? ReplicaChecks.State.REGISTERS : ReplicaChecks.State.PARTITION);
    }

    /**
     * Whether the nodes run the server's reconciler: in every metadata run. Every node hosts every
     * metadata group, as every node of a cluster applies the controller's image (DESIGN §6): the
     * {@code replicas} nodes the run chooses as its voters, every other node as a learner of it
     * ({@link #learnersOf}); so every node a topic is placed on reconciles towards that image.
     */
    static boolean reconciles(RuntimeSimConfig config, MetadataOptions metadata) {
        return metadata != null;
    }

    /**
     * Runs one metadata seed with the planted bug {@code first-retention-only}: each partition replica keeps
     * the retention the reconciler first gave it, missing later config changes (for the test that shows
     * the end-of-run partition check catches a replica whose pass did not follow the image).
     */
    static SimResult runMetadataKeepingFirstRetention(RuntimeSimConfig config, MetadataOptions metadata) {
        RuntimeSimulation s = new RuntimeSimulation(config, null, Objects.requireNonNull(metadata, "metadata"), null);
        s.shared.plantedFirstRetentionOnly = true;
        return s.execute();
    }

    /**
     * The planted bug {@code unjoined-learners}: the nodes that are no voter of a metadata group create their
     * replica of it, but the group's membership never lists them, so they apply none of its image (for the
     * test that shows the convergence check judges the learners' images too).
     */
    private boolean plantedUnjoinedLearners;

    static SimResult runMetadataWithUnjoinedLearners(RuntimeSimConfig config, MetadataOptions metadata) {
        RuntimeSimulation s = new RuntimeSimulation(config, null, Objects.requireNonNull(metadata, "metadata"), null);
        s.plantedUnjoinedLearners = true;
        return s.execute();
    }

    /**
     * The planted bug {@code promoted-learner}: half-way through the faults, metadata group 1's leader is asked to
     * promote its lowest learner to voter, as a rejoin did before it knew why a replica was a learner (for the
     * test that shows the image convergence check fails a run whose metadata group ends with a learner a voter).
     */
    private boolean plantedPromotedLearner;

    static SimResult runMetadataWithPromotedLearner(RuntimeSimConfig config, MetadataOptions metadata) {
        RuntimeSimulation s = new RuntimeSimulation(config, null, Objects.requireNonNull(metadata, "metadata"), null);
        s.plantedPromotedLearner = true;
        return s.execute();
    }

    /** A buggify point of the storage engine or runtime asks: the run's seeded answer, traced when it fires. */
    private boolean fireBuggify(String point) {
        boolean fire = buggify.fire(point);
        if (fire) {
            trace.record(scheduler.nowNs(), "buggify", Trace.fnv(point), 0, 0, 0);
        }
        return fire;
    }

    /** Runs one seed. */
    public static SimResult run(RuntimeSimConfig config) {
        return new RuntimeSimulation(config, null, null).execute();
    }

    /**
     * Runs one seed of the data plane: every group is a partition served by the server's real
     * produce and fetch code, driven by the log workload and checked by the log checkers.
     */
    public static SimResult runLog(RuntimeSimConfig config, LogOptions log) {
        return new RuntimeSimulation(config, java.util.Objects.requireNonNull(log, "log"), null).execute();
    }

    /** As {@link #runLog(RuntimeSimConfig, LogOptions)}, echoing every traced event to {@code echo}. */
    public static SimResult runLog(RuntimeSimConfig config, LogOptions log, PrintStream echo) {
        return new RuntimeSimulation(config, java.util.Objects.requireNonNull(log, "log"), echo).execute();
    }

    /**
     * Runs one seed with the planted bug {@code keep-moved-replica}: a partition move ends once its
     * source is removed from the membership, without destroying the source's replica (for the test
     * that shows the end-of-run placement check catches it).
     */
    static SimResult runKeepingMovedReplicas(RuntimeSimConfig config) {
        RuntimeSimulation s = new RuntimeSimulation(config, null, null);
        s.control.moves().plantKeepSource();
        return s.execute();
    }

    /**
     * Runs one seed with the nemesis's crash guard off ({@code RuntimeNemesis#crashWouldStrand}): crashes
     * land while a replica of the node's groups is still rejoining, even when a cut WAL tail makes the
     * nodes rejoin (for the test that shows the guard is what keeps such runs inside the fault model).
     */
    static SimResult runWithUnguardedCrashes(RuntimeSimConfig config) {
        RuntimeSimulation s = new RuntimeSimulation(config, null, null);
        s.guardCrashes = false;
        return s.execute();
    }

    /**
     * Runs one seed of the controller's metadata path: every group runs the server's real
     * {@code MetadataLog}, clients change and describe topics through the controller's handlers, and the
     * history is checked as registers (see {@link MetadataWorkload}).
     */
    public static SimResult runMetadata(RuntimeSimConfig config, MetadataOptions metadata, PrintStream echo) {
        return new RuntimeSimulation(config, null, Objects.requireNonNull(metadata, "metadata"), echo).execute();
    }

    /** Runs one seed, echoing every traced event to {@code echo} (for diffing two runs). */
    public static SimResult run(RuntimeSimConfig config, PrintStream echo) {
        return new RuntimeSimulation(config, null, echo).execute();
    }

    /** The voters {@code group} must end at now: its genesis voters, changed by the moves so far. */
    Set<Long> votersOf(long group) {
        return placement.voters(group);
    }

    /** The genesis voters of {@code group}: {@code replicas} consecutive nodes from a start spread by the group id. */
    Set<Long> genesisOf(long group) {
        Set<Long> out = new TreeSet<>();
        for (int j = 0; j < config.replicas(); j++) {
            out.add((group - 1 + j) % config.nodes() + 1);
        }
        return out;
    }

    /**
     * The learners a metadata group keeps for good: every node that is none of its genesis voters, as
     * every node of a cluster that is no controller voter is a learner of the controller group.
     */
    Set<Long> learnersOf(long group) {
        Set<Long> out = new TreeSet<>();
        Set<Long> voters = genesisOf(group);
        for (long v = 1; v <= config.nodes(); v++) {
            if (!voters.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * The nodes {@code node} may exchange messages with: those sharing a group with it, or all when groups
     * move or in metadata runs (every node hosts every metadata group, partitions are placed anywhere).
     */
    private Set<Long> peersOf(int node) {
        Set<Long> out = new TreeSet<>();
        int n = config.nodes();
        int r = config.faults().contains(RuntimeFault.MOVE) || metadataOptions != null ? n : config.replicas();
        for (int d = -(r - 1); d <= r - 1; d++) {
            long p = Math.floorMod(node - 1 + d, n) + 1;
            if (p != node) {
                out.add(p);
            }
        }
        return out;
    }

    private SimResult execute() {
        long wallStart = System.nanoTime();
        String failure = null;
        try (io.conclave.storage.buggify.Buggify.Scope ignored = io.conclave.storage.buggify.Buggify.install(
                this::fireBuggify)) {
            failure = phases();
        } catch (InvariantViolation v) {
            failure = "invariant " + v.getMessage();
        } catch (RuntimeException e) {
            StringWriter sw = new StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            failure = "crash at t=" + scheduler.nowNs() + "ns: " + sw;
        }
        oracle.recordTo(trace, scheduler.nowNs());
        History history = workload != null ? workload.history() : logWorkload != null ? logWorkload.history()
                : metadataWorkload != null ? metadataWorkload.history()
                : new io.conclave.check.history.HistoryRecorder(() -> 0).history();
        Map<String, String> verdicts = new LinkedHashMap<>();
        String checkFailure = Simulation.check(history, null, 0, verdicts);
        if (placementVerdict != null) {
            verdicts.put("placement", placementVerdict);
        }
        if (partitionVerdict != null) {
            verdicts.put("partition-convergence", partitionVerdict);
        }
        if (logWorkload != null && failure == null) {
            String convergence = checkConvergence(history, verdicts);
            checkFailure = checkFailure != null ? checkFailure : convergence;
        }
        if (failure == null) {
            failure = checkFailure;
        }
        TreeMap<String, Long> faults = new TreeMap<>(nemesis == null ? Map.of() : nemesis.counts());
        for (Map.Entry<String, Long> e : buggify.fired().entrySet()) {
            faults.put("buggify." + e.getKey(), e.getValue());
        }
        long ioCrashes = 0;
        long ioCrashesOnUnusableStorage = 0;
        long refused = 0;
        long walRecycled = 0;
        for (int i = 1; i <= config.nodes(); i++) {
            walRecycled += nodes[i].walFilesRecycled();
            ioCrashes += nodes[i].ioCrashes();
            ioCrashesOnUnusableStorage += nodes[i].ioCrashesOnUnusableStorage();
            refused += nodes[i].refusedStarts();
        }
        if (ioCrashes > 0) {
            faults.put("io-crash", ioCrashes);
        }
        if (ioCrashesOnUnusableStorage > 0) {
            faults.put("io-crash-unusable-storage", ioCrashesOnUnusableStorage);
        }
        if (refused > 0) {
            faults.put("refused-start", refused);
        }
        if (walRecycled > 0) {
            faults.put("wal-files-recycled", walRecycled); // not a fault: shows the runs exercised recycling
        }
        PartitionMoves moves = control.moves();
        if (moves.targetsRefused() > 0) {
            faults.put("move-target-refused", moves.targetsRefused());
        }
        if (moves.started() > 0) {
            faults.put("move-completed", moves.completed());
            faults.put("move-leader-handover", moves.leaderTransfers());
            faults.put("move-leader-removed", moves.leaderRemovals());
            faults.put("moved-groups", PartitionMoves.groupsAway(placement, config.groups()));
            if (moves.destroysRepeated() > 0) {
                faults.put("move-destroy-repeated", moves.destroysRepeated());
            }
        }
        if (partitionGroups != null) {
            partitionChecks.countInto(faults, partitionWriter, topicChurn);
        }
        Set<Long> learnerNodes = new TreeSet<>();
        for (long g = 1; g <= config.groups(); g++) {
            learnerNodes.addAll(placement.learners(g));
        }
        long learnerWipes = 0;
        for (long i : learnerNodes) {
            learnerWipes += nodes[(int) i].wipes();
        }
        if (learnerWipes > 0) {
            faults.put("wipe-of-learner", learnerWipes); // of nodes that are a learner of some metadata group
        }
        if (metadataOptions != null) {
            faults.put("metadata-snapshot", metadataStats.snapshots);
            faults.put("metadata-restore", metadataStats.restores);
            if (failure == null) {
                verdicts.put("image-convergence", "valid");
            }
        }
        if (!lostLogs.isEmpty()) {
            faults.put("lost-log", (long) lostLogs.size());
            faults.put("lost-log-restarted", (long) lostLogsRestarted.size());
        }
        return new SimResult(config.seed(), failure, history, trace.hash(), scheduler.nowNs(),
                System.nanoTime() - wallStart, scheduler.eventsRun(), faults, verdicts);
    }

    private String phases() {
        for (int i = 1; i <= config.nodes(); i++) {
            nodes[i].start();
        }
        for (long g = 1; g <= config.groups(); g++) {
            Set<Long> voters = placement.genesis(g);
            Set<Long> learners = placement.learners(g);
            io.conclave.raft.ConfState genesis = new io.conclave.raft.ConfState(voters,
                    plantedUnjoinedLearners ? Set.of() : learners, Set.of(), Set.of(), false);
            for (long v : voters) {
                nodes[(int) v].createGroup(g, genesis);
            }
            for (long v : learners) {
                if (plantedUnjoinedLearners) {
                    nodes[(int) v].hostGroup(g, voters); // a replica the group's members do not know of
                } else {
                    nodes[(int) v].createGroup(g, genesis);
                }
            }
        }
        scheduleSampler();
        if (!runUntil(replicaChecks::everyGroupHasLeader, STARTUP_NS_MAX)) {
            return "liveness: not every group elected a leader within " + STARTUP_NS_MAX / 1_000_000_000L
                    + " s of the start; " + replicaChecks.stuckGroup();
        }
        if (metadataOptions != null) {
            metadataWorkload = new MetadataWorkload(scheduler, SimRandom.of(config.seed(), "workload"), trace, nodes,
                    config, metadataOptions, placement::hosts);
        } else if (logOptions == null) {
            workload = new RuntimeWorkload(scheduler, SimRandom.of(config.seed(), "workload"), trace, nodes, oracle,
                    config);
        } else {
            logWorkload = new LogWorkload(scheduler, SimRandom.of(config.seed(), "workload"), trace, nodes, config,
                    logOptions, this::votersOf);
            for (int i = 1; i < nodes.length; i++) {
                nodes[i].serveImage(logWorkload::image);
            }
        }
        nemesis = new RuntimeNemesis(scheduler, SimRandom.of(config.seed(), "nemesis"), trace, network, nodes,
                config.faults(), control, config.groups(), this::votersOf, guardCrashes);
        faultStartNs = scheduler.nowNs();
        if (workload != null) {
            workload.start();
        } else if (metadataWorkload != null) {
            metadataWorkload.start();
            if (partitionGroups != null) {
                partitionWriter = new PartitionWriter(scheduler, SimRandom.of(config.seed(), "partition-writes"), trace,
                        nodes, partitionGroups, oracle);
                partitionWriter.start();
                topicChurn = new TopicChurn(scheduler, SimRandom.of(config.seed(), "topic-churn"), trace, nodes,
                        Math.min(config.groups(), config.activeGroupsMax()), metadataOptions.topicChurn(), placement::hosts);
                topicChurn.start();
            }
        } else {
            logWorkload.start();
        }
        nemesis.start();
        if (plantedPromotedLearner) {
            scheduler.after(config.faultNs() / 2, () -> control.promoteALearner(200));
        }
        runUntil(() -> false, config.faultNs());
        if (workload != null) {
            workload.stop();
        } else if (metadataWorkload != null) {
            metadataWorkload.stop();
            if (partitionWriter != null) {
                partitionWriter.stop();
                topicChurn.stop();
            }
        } else {
            logWorkload.stop();
        }
        nemesis.stopAndHeal();
        if (!runUntil(replicaChecks::everyGroupHasLeader, config.settleNsMax())) {
            return "liveness: after healing, not every group had a leader within "
                    + config.settleNsMax() / 1_000_000_000L + " s; " + replicaChecks.stuckGroup();
        }
        List<String> unread = new ArrayList<>();
        if (workload != null) {
            workload.finalReads(scheduler.nowNs() + FINAL_READS_NS_MAX, unread);
        } else if (metadataWorkload != null) {
            metadataWorkload.finalReads(scheduler.nowNs() + FINAL_READS_NS_MAX, unread);
        } else {
            logWorkload.finalReads(scheduler.nowNs() + FINAL_READS_NS_MAX, unread);
        }
        if (!runUntil(unread::isEmpty, FINAL_READS_NS_MAX + POLL_NS)) {
            return "liveness: final reads of " + unread.size() + " keys did not succeed within "
                    + FINAL_READS_NS_MAX / 1_000_000_000L + " s, e.g. " + unread.get(0);
        }
        if (!runUntil(() -> replicaChecks.divergentGroup() == null, config.settleNsMax())) {
            return "convergence: " + replicaChecks.divergentGroup();
        }
        if (partitionGroups != null) {
            String unsettled = settlePartitions();
            if (unsettled != null) {
                return unsettled;
            }
            // changes still in flight when the workload stopped (an administrator's, a registration) may
            // have committed meanwhile: the metadata groups settle again before the acknowledgement check
            if (!runUntil(() -> replicaChecks.divergentGroup() == null, config.settleNsMax())) {
                return "convergence: " + replicaChecks.divergentGroup();
            }
        }
        String misplaced = replicaChecks.misplacedReplica();
        placementVerdict = misplaced == null ? "valid" : "invalid";
        if (misplaced != null) {
            return "placement: " + misplaced;
        }
        return replicaChecks.lostAcknowledgement();
    }

    /**
     * Runs the scheduler until {@code done} holds, polling it every {@link #POLL_NS}, for at most
     * {@code limitNs}. Ends the run when more than {@link #eventsPerSimSecondMax()} events run in one
     * simulated second: a message storm in which simulated time hardly moves (a livelock).
     */
    private boolean runUntil(java.util.function.BooleanSupplier done, long limitNs) {
        long end = scheduler.nowNs() + limitNs;
        while (!done.getAsBoolean()) {
            if (scheduler.nowNs() >= end) {
                return false;
            }
            scheduler.runUntil(Math.min(end, scheduler.nowNs() + POLL_NS));
            checkEventRate();
        }
        return true;
    }

    private long windowStartNs;
    private long windowStartEvents;

    long eventsPerSimSecondMax() {
        long partitions = partitionGroups == null ? 0 : partitionGroups.knownIds().size();
        return 250_000L + 100L * (config.groups() + partitions) * config.replicas();
    }

    private void checkEventRate() {
        if (scheduler.nowNs() - windowStartNs < 1_000_000_000L) {
            return;
        }
        long events = scheduler.eventsRun() - windowStartEvents;
        if (events > eventsPerSimSecondMax()) {
            throw new InvariantViolation("no-livelock", events + " events in the simulated second before t="
                    + scheduler.nowNs() + "ns (at most " + eventsPerSimSecondMax() + "): a message storm"
                    + " (run with --trace to see the packets)");
        }
        windowStartNs = scheduler.nowNs();
        windowStartEvents = scheduler.eventsRun();
    }

    /** Replicas (node, incarnation, group) whose log recovery found lost, and those of them seen writable again. */
    private final Set<List<Long>> lostLogs = new HashSet<>();
    private final Set<List<Long>> lostLogsRestarted = new HashSet<>();

    /**
     * Every few ms: every replica that believes it leads is recorded; two leaders of one term fail the
     * run. Rejoining replicas whose log was lost are noted (the faults' {@code lost-log}), and again once
     * their log took entries or a snapshot ({@code lost-log-restarted}).
     */
    private void scheduleSampler() {
        scheduler.after(SAMPLE_NS, () -> {
            for (int i = 1; i <= config.nodes(); i++) {
                long id = i;
                long[] seen = leaderTermSeen[i];
                StorageEngine engine = nodes[i].engine();
                long incarnation = nodes[i].incarnation();
                nodes[i].forEachReplica(r -> {
                    if (r.groupId() >= seen.length) {
                        if (r.raft().isLeader()) {
                            oracle.onLeader(r.groupId(), r.raft().term(), id); // a partition group
                        }
                    } else if (r.raft().isLeader() && seen[(int) r.groupId()] != r.raft().term()) {
                        seen[(int) r.groupId()] = r.raft().term();
                        oracle.onLeader(r.groupId(), r.raft().term(), id);
                    }
                    if (r.rejoinPhase() != null) {
                        noteLostLog(engine.group(r.groupId()), List.of(id, incarnation, r.groupId()));
                    }
                });
            }
            scheduleSampler();
        });
    }

    private void noteLostLog(GroupLog log, List<Long> replica) {
        if (log == null) {
            return;
        }
        if (log.needsSnapshot()) {
            lostLogs.add(replica);
        } else if (lostLogs.contains(replica)) {
            lostLogsRestarted.add(replica);
        }
    }

    /**
     * What EVENTUAL appends promise, once the cluster settled: every replica holds the same log of each
     * partition, with no duplicate and no value nobody wrote. Any acknowledged eventual append may have
     * been lost to the faults, so the last replicated point is the start of the fault phase.
     */
    private String checkConvergence(History history, Map<String, String> verdicts) {
        CheckResult r = Checkers.convergence(history, logWorkload.finalLogs(this::votersOf), faultStartNs);
        verdicts.put(r.checker(), r.verdict().wireName());
        return r.isValid() ? null : "checker " + r.checker() + " " + r.verdict().wireName() + ": "
                + r.explanation().strip();
    }

    // ================================ partition groups (the reconciler's) ================================

    /**
     * After the metadata groups converged: every partition their images assign must settle on the nodes
     * it is placed on — a replica on each, a leader, none rejoining, membership as assigned, the same
     * applied index and state on all, and the topic's retention set on each — within the settle time.
     * A stranded partition ({@link PartitionChecks#stranded}) is counted and left out of the liveness and
     * acknowledgement checks; state-machine safety still covers it.
     */
    private String settlePartitions() {
        boolean settled = runUntil(() -> partitionChecks.firstUnsettled() == null, config.settleNsMax());
        partitionVerdict = settled ? "valid" : "invalid";
        if (!settled) {
            return "convergence: " + partitionChecks.firstUnsettled();
        }
        partitionChecks.countLeaderless();
        return null;
    }
}
