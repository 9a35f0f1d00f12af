package io.conclave.sim.cluster;

import io.conclave.raft.PlantedBug;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.RaftNode;
import io.conclave.raft.RandomSource;
import io.conclave.raft.storage.RaftStorage;
import io.conclave.sim.node.HostBug;
import java.util.EnumSet;
import java.util.Set;

/** Builds replica cores, switching on the core-side planted bugs a run asks for. */
final class RaftFactory {

    private RaftFactory() {
    }

    static RaftNode create(RaftConfig config, RaftStorage storage, RandomSource random, Set<HostBug> bugs) {
        if (bugs.contains(HostBug.VOTE_IGNORES_TERM)) {
            return new RaftNode(config, storage, random, EnumSet.of(PlantedBug.VOTE_IGNORES_TERM));
        }
        return new RaftNode(config, storage, random);
    }
}
