package io.conclave.sim.node;

import io.conclave.raft.RaftNode;
import io.conclave.raft.Ready;
import io.conclave.sim.disk.SimStorage;
import io.conclave.sim.machine.KvLogMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One group's replica on a node: its core, storage, state machine and the client operations it
 * still owes an answer. Plain data owned by its {@link SimNode}.
 */
final class Replica {

    final int group;
    final long replicaId;
    final SimStorage storage;
    RaftNode raft;
    final KvLogMachine machine = new KvLogMachine();
    long applied;
    /** The Ready being persisted (waiting for its fsync), or null. */
    Ready inFlight;
    /**
     * A membership change was applied: snapshot at once, so the latest snapshot always carries the
     * current membership (the core refuses a snapshot whose membership does not include it, so a new
     * member could never install one taken before it was added).
     */
    boolean snapshotDue;
    /** The membership before the last applied change (entries may have committed under it), or null. */
    io.conclave.raft.ConfState previousConf;
    /** Set once this replica led in the current process life (for the deposed-leader planted bug). */
    boolean ledThisLife;
    /** Writes proposed here, by log index. */
    final TreeMap<Long, PendingWrite> pendingWrites = new TreeMap<>();
    /** Reads waiting for their ReadState, by op id. */
    final TreeMap<Long, Call> awaitingReadState = new TreeMap<>();
    /** Reads whose ReadState arrived, waiting for apply to reach its index. */
    final List<PendingRead> awaitingApply = new ArrayList<>();

    Replica(int group, long replicaId, SimStorage storage) {
        this.group = group;
        this.replicaId = replicaId;
        this.storage = storage;
    }

    /** A client request and where to send its answer. */
    record Call(ClientRequest request, Consumer<ClientResponse> reply) {
    }

    record PendingWrite(long term, Call call, boolean alreadyAcked) {
    }

    record PendingRead(long index, Call call) {
    }

    /** Forgets every pending client operation (the process died; clients time out). */
    void dropPending() {
        inFlight = null;
        pendingWrites.clear();
        awaitingReadState.clear();
        awaitingApply.clear();
        ledThisLife = false;
        previousConf = null;
    }
}
