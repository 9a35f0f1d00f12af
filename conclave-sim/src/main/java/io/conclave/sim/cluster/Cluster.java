package io.conclave.sim.cluster;

import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.sim.clock.NodeClock;
import io.conclave.sim.core.Buggify;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.disk.Disk;
import io.conclave.sim.disk.MemorySimStorage;
import io.conclave.sim.disk.SimStorage;
import io.conclave.sim.invariant.Invariants;
import io.conclave.sim.nemesis.FaultTarget;
import io.conclave.sim.net.Network;
import io.conclave.sim.node.ClientRequest;
import io.conclave.sim.node.ClientResponse;
import io.conclave.sim.node.GroupMessage;
import io.conclave.sim.node.HostBug;
import io.conclave.sim.node.HostConfig;
import io.conclave.sim.node.NodeContext;
import io.conclave.sim.node.SimNode;
import io.conclave.sim.workload.ClientGateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A simulated cluster: nodes on racks, each with a clock and a disk, joined by one virtual network,
 * hosting replicas of every group, with a control plane that carries out membership changes. It is
 * the world the node hosts ({@link NodeContext}), the clients ({@link ClientGateway}) and the nemesis
 * ({@link FaultTarget}) see.
 */
public final class Cluster implements NodeContext, ClientGateway, FaultTarget {

    private final SimConfig config;
    private final Scheduler scheduler;
    private final Trace trace;
    private final SimRandom random;
    private final Network network;
    private final Invariants invariants;
    private final Buggify buggify;
    private final SimNode[] nodes;
    private final Map<Long, SimStorage> storages = new HashMap<>();
    private final Map<Long, Integer> incarnations = new HashMap<>();
    private final TreeMap<String, Long> faults = new TreeMap<>();
    private final ControlPlane control;

    public Cluster(SimConfig config, Scheduler scheduler, Trace trace) {
        this.config = config.validate();
        this.scheduler = scheduler;
        this.trace = trace;
        this.random = SimRandom.of(config.seed(), "cluster");
        SimRandom bugRandom = SimRandom.of(config.seed(), "buggify");
        boolean bugOn = config.buggify() != null ? config.buggify() : bugRandom.chance(0.25);
        this.buggify = new Buggify(bugOn, 0.02, bugRandom);
        int[] rackOf = new int[config.nodes() + 1];
        for (int i = 1; i <= config.nodes(); i++) {
            rackOf[i] = (i - 1) % config.racks();
        }
        this.network = new Network(scheduler, SimRandom.of(config.seed(), "net"), trace, config.net(), rackOf);
        this.invariants = new Invariants(new io.conclave.sim.invariant.DurabilityView() {
            @Override
            public boolean isDurable(int group, long replicaId, long index, long term) {
                return Cluster.this.isDurable(group, replicaId, index, term);
            }

            @Override
            public String describe(int group, long replicaId, long index) {
                SimStorage s = storages.get(storageKey(group, replicaId));
                return s == null ? "no storage" : s.describeDurable(index);
            }
        });
        this.nodes = new SimNode[config.nodes() + 1];
        SimRandom clocks = SimRandom.of(config.seed(), "clock");
        for (int i = 1; i <= config.nodes(); i++) {
            NodeClock clock = new NodeClock(clocks.between(0, 1_000_000_000L), 0);
            Disk disk = new Disk(scheduler, SimRandom.of(config.seed(), "disk-" + i), config.disk());
            nodes[i] = new SimNode(i, this, clock, disk, SimRandom.of(config.seed(), "node-" + i));
        }
        network.setReceiver(this::deliver);
        this.control = new ControlPlane(this, scheduler, random.child("control"));
        bootstrapGroups();
    }

    private void bootstrapGroups() {
        int n = config.nodes();
        int r = config.replicasPerGroup();
        for (int g = 0; g < config.groups(); g++) {
            int[] hosts = new int[r];
            long[] voters = new long[r];
            for (int i = 0; i < r; i++) {
                hosts[i] = ((g + i) % n) + 1;
                voters[i] = nextReplicaId(hosts[i], g);
            }
            for (int i = 0; i < r; i++) {
                MemorySimStorage s = MemorySimStorage.bootstrap(voters, dropFsync());
                storages.put(storageKey(g, voters[i]), s);
                nodes[hosts[i]].addReplica(g, voters[i], s);
            }
            control.register(g, voters);
        }
    }

    private boolean dropFsync() {
        return config.bugs().contains(HostBug.DROP_FSYNC);
    }

    long nextReplicaId(int node, int group) {
        int inc = incarnations.merge(((long) node << 32) | group, 1, Integer::sum);
        if (inc >= NodeContext.REPLICA_ID_STRIDE) {
            throw new IllegalStateException("node " + node + " ran out of replica ids for group " + group);
        }
        return NodeContext.replicaId(node, inc);
    }

    private static long storageKey(int group, long replicaId) {
        return ((long) group << 32) | replicaId;
    }

    private boolean isDurable(int group, long replicaId, long index, long term) {
        SimStorage s = storages.get(storageKey(group, replicaId));
        return s != null && s.isDurable(index, term);
    }

    void registerStorage(int group, long replicaId, SimStorage storage) {
        storages.put(storageKey(group, replicaId), storage);
    }

    /** Creates an empty replica (a new member) of {@code group} on {@code node}. */
    long addEmptyReplica(int node, int group) {
        long id = nextReplicaId(node, group);
        MemorySimStorage s = MemorySimStorage.bootstrap(control.genesis(group), dropFsync());
        storages.put(storageKey(group, id), s);
        nodes[node].addReplica(group, id, s);
        return id;
    }

    private void deliver(int from, int to, Object payload) {
        @SuppressWarnings("unchecked")
        List<GroupMessage> messages = (List<GroupMessage>) payload;
        nodes[to].deliver(from, messages);
    }

    public void start() {
        for (int i = 1; i <= config.nodes(); i++) {
            nodes[i].start();
        }
        control.start();
    }

    public SimConfig config() {
        return config;
    }

    public TreeMap<String, Long> faults() {
        return new TreeMap<>(faults);
    }

    public ControlPlane controlPlane() {
        return control;
    }

    // ---- NodeContext ----

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public Trace trace() {
        return trace;
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public Invariants invariants() {
        return invariants;
    }

    @Override
    public Buggify buggify() {
        return buggify;
    }

    @Override
    public HostConfig hostConfig() {
        return config.host();
    }

    @Override
    public Set<HostBug> bugs() {
        return config.bugs();
    }

    @Override
    public RaftNode newRaft(RaftConfig raftConfig, RaftStorage storage, RandomSource randomSource) {
        return RaftFactory.create(raftConfig, storage, randomSource, config.bugs());
    }

    // ---- ClientGateway ----

    @Override
    public List<Integer> nodesOf(int group) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= config.nodes(); i++) {
            if (nodes[i].hosts(group)) {
                out.add(i);
            }
        }
        return out;
    }

    @Override
    public void send(int node, ClientRequest request, Consumer<ClientResponse> onResponse) {
        long latency = config.workload().clientLatencyNs();
        scheduler.after(latency, () -> nodes[node].submit(request,
                resp -> scheduler.after(latency, () -> onResponse.accept(resp))));
    }

    // ---- FaultTarget ----

    @Override
    public int nodeCount() {
        return config.nodes();
    }

    @Override
    public int groupCount() {
        return config.groups();
    }

    @Override
    public SimNode node(int id) {
        return nodes[id];
    }

    @Override
    public boolean leaseReads() {
        return config.host().leaseReads();
    }

    @Override
    public double maxClockDrift() {
        return config.host().maxClockDrift();
    }

    @Override
    public void crashFor(int id, long downNs) {
        nodes[id].crash();
        scheduler.after(downNs, () -> {
            if (nodes[id].state() == SimNode.State.DOWN) {
                nodes[id].start();
            }
        });
    }

    @Override
    public boolean wipe(int id) {
        return control.wipe(id);
    }

    @Override
    public boolean moveReplica(int group) {
        return control.moveReplica(group);
    }

    @Override
    public boolean demoteVoter(int group, long promoteAfterNs) {
        return control.demoteVoter(group, promoteAfterNs);
    }

    @Override
    public boolean transferLeadership(int group) {
        return control.transferLeadership(group);
    }

    @Override
    public List<Integer> reconfiguring() {
        return control.dirtyGroups();
    }

    @Override
    public void countFault(String kind) {
        faults.merge(kind, 1L, Long::sum);
    }

    // ---- liveness ----

    /** The leader node of {@code group} (an up node whose replica leads and is a voter), or 0. */
    public int leaderNode(int group) {
        for (int i = 1; i <= config.nodes(); i++) {
            SimNode n = nodes[i];
            RaftNode raft = n.state() == SimNode.State.UP ? n.raft(group) : null;
            if (raft != null && raft.isLeader() && raft.confState().voters().contains(n.replicaId(group))) {
                return i;
            }
        }
        return 0;
    }

    /** Every replica of a group, one line each: node state, role, term, commit, applied, membership. */
    public String describe(int group) {
        StringBuilder b = new StringBuilder("group " + group + ": " + control.wantedText(group) + "\n");
        for (int i = 1; i <= config.nodes(); i++) {
            SimNode n = nodes[i];
            if (!n.hosts(group)) {
                continue;
            }
            RaftNode raft = n.raft(group);
            b.append("  node ").append(i).append(' ').append(n.state()).append(" replica ").append(n.replicaId(group));
            if (raft != null) {
                io.conclave.raft.RaftStatus st = raft.status();
                b.append(' ').append(st.role()).append(" term ").append(st.term()).append(" lead ").append(st.leader())
                        .append(" commit ").append(st.commit()).append(" applied ").append(n.applied(group))
                        .append(" last ").append(st.lastIndex()).append(" voters ").append(st.confState().voters())
                        .append(" learners ").append(st.confState().learners());
                if (st.confState().isJoint()) {
                    b.append(" outgoing ").append(st.confState().votersOutgoing());
                }
                if (!st.progress().isEmpty()) {
                    b.append(" progress ").append(st.progress());
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Groups with no leader right now. */
    public List<Integer> leaderlessGroups() {
        List<Integer> out = new ArrayList<>();
        for (int g = 0; g < config.groups(); g++) {
            if (leaderNode(g) == 0) {
                out.add(g);
            }
        }
        return out;
    }
}
