package io.conclave.raft.rules;

import io.conclave.raft.HardState;
import io.conclave.raft.PlantedBug;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.message.AppendEntries;
import java.util.Set;

/**
 * Figure 8 of the Raft paper, built explicitly with five servers S1..S5. Every log starts with
 * entry 1 of term 1 (committed). As left by (a) and (b): S1 and S2 hold entry 2 of term 2, which S1
 * created as leader of term 2; S5 holds a different entry 2 of term 3, created as leader of term 3;
 * S3 and S4 hold only entry 1. Everyone is at term 3.
 *
 * <p>(c) {@link #s1LeadsTerm4AndCopiesIndex2ToAMajority}: S5 is down, S1 wins term 4 and copies its
 * term-2 entry to S3, so S1, S2, S3 (a majority) store it, while S1's term-4 no-op reaches no one.
 * The trap: counting replicas would commit index 2. (d) {@link #s5LeadsTerm5}: S1 crashes, S5 wins
 * term 5 with the votes of S2, S3, S4 and overwrites index 2 everywhere: legal only because index 2
 * was never committed. (e) {@link #s1ReplicatesItsNoOp}: S1 instead copies its term-4 no-op to a
 * majority, which commits index 2 indirectly, and S5 can no longer win.
 *
 * <p>Pre-vote and check-quorum are off (the paper's original Raft) so that only votes decide; each
 * append carries one entry ({@code maxMessageBytes} 1), and in (c) the network strips S1's term-4
 * entries from its appends, as if they were lost.
 */
final class Figure8 {

    static final long[] ALL = {1, 2, 3, 4, 5};

    final Net net;

    Figure8(Set<PlantedBug> bugs) {
        net = new Net(id -> RaftConfig.builder(id).preVote(false).checkQuorum(false).maxMessageBytes(1).build(), 8,
                bugs);
        HardState hs = new HardState(3, 0, 1);
        net.add(1, Net.storage(ALL, hs, 1, 2));
        net.add(2, Net.storage(ALL, hs, 1, 2));
        net.add(3, Net.storage(ALL, hs, 1));
        net.add(4, Net.storage(ALL, hs, 1));
        net.add(5, Net.storage(ALL, hs, 1, 3));
    }

    /**
     * (c). Returns early, crashing S1 at once, if S1's commit index ever passes 1: then only S1 has
     * applied index 2 and no message of S1 carrying that commit index is delivered.
     */
    void s1LeadsTerm4AndCopiesIndex2ToAMajority() {
        net.crash(5);
        net.dropIf(m -> m instanceof AppendEntries && m.to() == 4);
        net.rewrite(m -> {
            if (m instanceof AppendEntries a && a.from() == 1) {
                return new AppendEntries(a.from(), a.to(), a.term(), a.prevLogIndex(), a.prevLogTerm(),
                        a.entries().stream().filter(e -> e.term() != 4).toList(), a.commit());
            }
            return m;
        });
        net.node(1).campaign();
        net.processAll();
        for (int i = 0; i < 10_000 && net.deliverOne(); i++) {
            net.processAll();
            if (net.node(1).commitIndex() > 1) {
                net.crash(1);
                return;
            }
        }
    }

    /** (d): S1 is down, S5 comes back and campaigns until it leads (term 5); the network settles. */
    void s5LeadsTerm5() {
        net.crash(1);
        net.heal();
        net.restart(5);
        for (int attempt = 0; attempt < 5 && !net.node(5).isLeader(); attempt++) {
            net.node(5).campaign();
            net.stabilize();
        }
        net.stabilize();
    }

    /** (e): the network stops losing S1's entries; a few heartbeats later the no-op is on a majority. */
    void s1ReplicatesItsNoOp() {
        net.heal();
        net.dropIf(m -> m.to() == 5 || m.from() == 5);
        net.run(3);
    }
}
