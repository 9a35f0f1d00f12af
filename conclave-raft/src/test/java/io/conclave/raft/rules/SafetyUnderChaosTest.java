package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChangeSingle;
import io.conclave.raft.ConfChangeTransition;
import io.conclave.raft.ConfChangeType;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.storage.MemoryStorage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Election safety, state machine safety and the log's own invariants under everything at once:
 * message loss, partitions, crashes and restarts (also of a leader that sent appends before it
 * persisted them), idle groups put to rest (quiesce) and woken by the host's failure detector
 * (forgetLeader), leadership transfers, membership changes (simple
 * and joint, learners, removals of the leader) and log compaction with snapshot transfer; reads
 * (ReadIndex and lease) are never answered below a write committed before they were issued. The Net
 * checks one leader per term and one entry per applied index on every Ready; the core throws on any
 * broken invariant. At the end, after healing, the group must make progress again. Four seeds by
 * default; {@code -Dconclave.chaos.seeds=N} runs a longer soak.
 */
class SafetyUnderChaosTest {

    private static final long[] GENESIS = {1, 2, 3};
    private static final long[] ALL = {1, 2, 3, 4, 5};

    private static ConfChange randomChange(SplittableRandom rnd) {
        long node = 1 + rnd.nextInt(5);
        switch (rnd.nextInt(5)) {
            case 0:
                return ConfChange.addVoter(node);
            case 1:
                return ConfChange.addLearner(node);
            case 2:
                return ConfChange.remove(node);
            case 3:
                return new ConfChange(ConfChangeTransition.JOINT_IMPLICIT, List.of(
                        new ConfChangeSingle(ConfChangeType.ADD_VOTER, node),
                        new ConfChangeSingle(ConfChangeType.ADD_VOTER, 1 + rnd.nextInt(5))), new byte[0]);
            default:
                return ConfChange.of(new ConfChangeSingle(ConfChangeType.ADD_VOTER, node),
                        new ConfChangeSingle(ConfChangeType.REMOVE_NODE, 1 + rnd.nextInt(5)));
        }
    }

    /** What a run exercised: snapshot chunks sent, membership changes applied, leaders elected. */
    record Coverage(long snapshotChunks, long confChangesApplied, long leaders, long quiesced) {
    }

    private static Coverage chaos(long seed) {
        Net net = new Net(id -> RaftConfig.builder(id).snapshotChunkBytes(16).leaseReads(true).build(), seed,
                Set.of());
        java.util.Map<String, Long> readFloor = new java.util.HashMap<>();
        java.util.Map<Long, Integer> readsSeen = new java.util.HashMap<>();
        int quiesced = 0;
        for (long id : ALL) {
            net.add(id, MemoryStorage.withVoters(GENESIS));
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        net.dropIf(m -> rnd.nextInt(100) < 5);
        for (int tick = 0; tick < 500; tick++) {
            long leader = net.leader();
            int dice = rnd.nextInt(100);
            if (tick % 50 == 0) {
                net.heal();
                net.dropIf(m -> rnd.nextInt(100) < 5);
                Set<Long> side = new HashSet<>(List.of(1 + (long) rnd.nextInt(5)));
                net.partition(side);
            }
            if (leader != 0 && dice >= 8 && dice < 20) {
                net.stabilize();
                if (net.node(leader).quiesce()) { // an idle group rests; the host watches node liveness
                    quiesced++;
                }
            } else if (leader != 0) {
                net.node(leader).propose(bytes("w" + tick));
                if (dice < 6) {
                    net.node(leader).proposeConfChange(randomChange(rnd));
                } else if (dice < 8) {
                    net.node(leader).transferLeadership(1 + rnd.nextInt(5));
                }
            }
            if (tick % 25 == 0) {
                for (long id : ALL) {
                    if (id != net.leader()) {
                        net.node(id).forgetLeader(); // the host's node-level failure detector, now and then
                    }
                }
            }
            if (dice >= 87 && dice < 90 && leader != 0 && net.node(leader).hasReady()) {
                // The leader's host sends what may go before the write, then dies before writing it.
                io.conclave.raft.Ready rd = net.node(leader).ready();
                net.send(rd.messages().stream().filter(io.conclave.raft.message.Message::canSendBeforePersist)
                        .toList());
                net.crash(leader);
                net.restart(leader);
            } else if (dice >= 90 && dice < 93) {
                long victim = 1 + rnd.nextInt(5);
                net.crash(victim);
                net.restart(victim);
            } else if (dice >= 93) {
                compact(net, 1 + rnd.nextInt(5));
            }
            long maxCommit = 0;
            for (long id : ALL) {
                maxCommit = Math.max(maxCommit, net.node(id).commitIndex());
            }
            readFloor.put("r" + tick, maxCommit);
            net.node(1 + rnd.nextInt(5)).readIndex(bytes("r" + tick),
                    rnd.nextBoolean() ? io.conclave.raft.ReadMode.LEASE : io.conclave.raft.ReadMode.READ_INDEX);
            net.run(1);
            checkReads(net, readFloor, readsSeen);
        }
        net.heal();
        for (long id : ALL) {
            net.node(id).forgetLeader();
        }
        net.run(60);
        long leader = net.awaitLeader();
        long before = net.node(leader).commitIndex();
        net.node(leader).propose(bytes("final"));
        net.run(10);
        assertThat(net.node(net.leader()).commitIndex()).as("seed %d makes progress after healing", seed)
                .isGreaterThan(before);
        long leaders = net.readies.stream().filter(e -> e.getValue().softState() != null
                && e.getValue().softState().role() == io.conclave.raft.StateRole.LEADER).count();
        long confChanges = net.host(leader).applied.stream()
                .filter(e -> e.type() == io.conclave.raft.EntryType.CONF_CHANGE).count();
        return new Coverage(net.sentOf(io.conclave.raft.message.SnapshotChunk.class, 0, 0).size(), confChanges,
                leaders, quiesced);
    }

    /** Every read answered so far is at or above the commit index anywhere when it was issued. */
    private static void checkReads(Net net, java.util.Map<String, Long> floor, java.util.Map<Long, Integer> seen) {
        for (long id : ALL) {
            var states = net.host(id).readStates;
            for (int i = seen.getOrDefault(id, 0); i < states.size(); i++) {
                String ctx = new String(states.get(i).context(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(states.get(i).index()).as("read %s answered on node %d", ctx, id)
                        .isGreaterThanOrEqualTo(floor.get(ctx));
            }
            seen.put(id, states.size());
        }
    }

    private static void compact(Net net, long id) {
        Net.Host h = net.host(id);
        if (h.applied.isEmpty()) {
            return;
        }
        long index = h.applied.get(h.applied.size() - 1).index();
        if (index <= h.storage.snapshot().index() || index > h.storage.lastIndex()) {
            return;
        }
        h.storage.createSnapshot(index, h.confState, bytes("state@" + index));
        h.storage.compact(index);
    }

    @Test
    void safetyHoldsUnderLossPartitionsCrashesTransfersMembershipChangesAndCompaction() {
        long chunks = 0;
        long changes = 0;
        long leaders = 0;
        long quiesces = 0;
        long seeds = Long.getLong("conclave.chaos.seeds", 4); // a longer soak: -Dconclave.chaos.seeds=200
        for (long seed = 1; seed <= seeds; seed++) {
            Coverage c = chaos(seed);
            System.out.println("chaos seed " + seed + ": " + c);
            chunks += c.snapshotChunks();
            changes += c.confChangesApplied();
            leaders += c.leaders();
            quiesces += c.quiesced();
        }
        assertThat(chunks).as("snapshots were shipped").isPositive();
        assertThat(changes).as("membership changed").isPositive();
        assertThat(leaders).as("leadership changed hands").isGreaterThan(8);
        assertThat(quiesces).as("groups went idle").isPositive();
    }
}
