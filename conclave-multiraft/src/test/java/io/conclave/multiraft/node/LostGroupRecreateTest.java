package io.conclave.multiraft.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.multiraft.liveness.LivenessListener;
import io.conclave.multiraft.liveness.PeerSilence;
import io.conclave.multiraft.net.LoopbackNetwork;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.multiraft.support.TestStateMachine;
import io.conclave.multiraft.time.ManualClock;
import io.conclave.raft.ConfState;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.ForwardingDisk;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A node whose disk was wiped creates the groups it hosted again, empty, and each must rejoin (no vote
 * until it has caught up): its empty log is not what it acknowledged before. Here the first start on the
 * new disk fails half-way — group {@link #FIRST} is created, the create of {@link #SECOND} fails on a read
 * error — and the second start finds {@link #FIRST} on the disk like any group that never had data. Only
 * the node's record can still say it lost its data; when the group was created before it was recorded,
 * the replica voted with an empty log and elected a leader that lacked committed entries (the
 * simulator's seed 259 of the metadata workload: two replicas applied different entries at one index).
 */
class LostGroupRecreateTest {

    private static final long NODE = 3;
    private static final long FIRST = 1;
    private static final long SECOND = 2;
    private static final ConfState GENESIS = ConfState.ofVoters(1, 2, 3);
    private static final String ROOT = "node";

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final LoopbackNetwork net = new LoopbackNetwork();

    @Test
    void aLostGroupLeftOnTheDiskByAFailedStartStillRejoinsOnTheNextStart() throws IOException {
        SimDisk wiped = new SimDisk(NODE);
        NodeAssembly refused = open(new FailingSnapshotReads(wiped, "/groups/" + SECOND + "/"));
        assertThatThrownBy(() -> refused.recoverGroups(lostGroups(refused)))
                .isInstanceOf(IOException.class).hasMessageContaining("planted read error");
        close(refused);

        NodeAssembly started = open(wiped);
        assertThat(started.engine().groupIds()).as("the failed start created the first group").contains(FIRST);
        Set<Long> rejoining = started.recoverGroups(lostGroups(started));
        assertThat(rejoining).containsExactlyInAnyOrder(FIRST, SECOND);
        assertThat(started.loopOf(FIRST).replica(FIRST).status().rejoining()).isTrue();
        assertThat(started.loopOf(SECOND).replica(SECOND).status().rejoining()).isTrue();
        close(started);

        NodeAssembly again = open(wiped);
        assertThat(again.recoverGroups(lostGroups(again))).as("still rejoining after another restart")
                .containsExactlyInAnyOrder(FIRST, SECOND);
        close(again);
    }

    @Test
    void aGroupCreatedBeforeAnyLossDoesNotRejoin() throws IOException {
        SimDisk disk = new SimDisk(NODE);
        NodeAssembly first = open(disk);
        assertThat(first.recoverGroups(Map.of())).isEmpty();
        first.engine().createGroup(FIRST, GENESIS);
        close(first);

        NodeAssembly restarted = open(disk);
        assertThat(restarted.recoverGroups(Map.of())).isEmpty();
        assertThat(restarted.loopOf(FIRST).replica(FIRST).status().rejoining()).isFalse();
        close(restarted);
    }

    /** What the node's supervisor passes: the groups it hosted (both, genesis voters 1-3) not on the disk. */
    private static Map<Long, ConfState> lostGroups(NodeAssembly a) {
        Map<Long, ConfState> lost = new TreeMap<>();
        for (long g : new long[] {FIRST, SECOND}) {
            if (!a.engine().groupIds().contains(g)) {
                lost.put(g, GENESIS);
            }
        }
        return lost;
    }

    private NodeAssembly open(Disk disk) throws IOException {
        return NodeAssembly.open(NODE, TestCluster.fastConfig().build(), disk, ROOT, incarnation -> net.endpoint(NODE),
                new TestStateMachine(), clock, new LeaderTable(), new LivenessListener() {
                    @Override
                    public void onSuspected(long peer, long nowNs, PeerSilence silence) {
                    }

                    @Override
                    public void onRecovered(long peer, long nowNs, PeerSilence silence) {
                    }
                });
    }

    private static void close(NodeAssembly a) throws IOException {
        a.transport().close();
        a.engine().close();
    }

    /** Reads of snapshot files under a path containing {@code dirPart} fail, as a failing disk's would. */
    private static final class FailingSnapshotReads extends ForwardingDisk {
        private final String dirPart;

        FailingSnapshotReads(Disk disk, String dirPart) {
            super(disk);
            this.dirPart = dirPart;
        }

        @Override
        protected FileHandle wrap(String path, FileHandle file) {
            if (!path.contains(dirPart) || !path.endsWith(".snap")) {
                return file;
            }
            return new ForwardingFile(file) {
                @Override
                public int read(long pos, byte[] dst, int off, int len) throws IOException {
                    throw new IOException("planted read error on " + path);
                }
            };
        }
    }
}
