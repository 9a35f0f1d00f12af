package io.conclave.sim.node;

import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.sim.core.Buggify;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.Trace;
import io.conclave.sim.invariant.Invariants;
import io.conclave.sim.net.Network;
import java.util.Set;

/** What a node host needs from the simulated world around it. */
public interface NodeContext {

    Scheduler scheduler();

    Trace trace();

    Network network();

    Invariants invariants();

    Buggify buggify();

    HostConfig hostConfig();

    Set<HostBug> bugs();

    /** Builds a replica's core (the place where core-side planted bugs are switched on). */
    RaftNode newRaft(RaftConfig config, RaftStorage storage, RandomSource random);

    /** The replica ids of a node are {@code node * REPLICA_ID_STRIDE + incarnation}. */
    long REPLICA_ID_STRIDE = 1000;

    static int nodeOf(long replicaId) {
        return (int) (replicaId / REPLICA_ID_STRIDE);
    }

    static long replicaId(int node, int incarnation) {
        return node * REPLICA_ID_STRIDE + incarnation;
    }
}
