package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.HardState;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.progress.ProgressState;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A peer that comes back with less than its leader believed it had (its disk was wiped): in
 * replicate mode its rejections look stale and are ignored, so it never catches up; after
 * {@code forgetProgress} the leader probes it from the end of its log and repairs it.
 */
class ForgetProgressTest {

    private static final long[] THREE = {1, 2, 3};

    private static Net replicatedCluster() {
        Net net = new Net(RaftConfig::defaults, 7, Set.of());
        for (long id : THREE) {
            net.add(id, Net.storage(THREE, new HardState(1, 0, 0)));
        }
        net.elect(1);
        for (int i = 0; i < 5; i++) {
            net.node(1).propose(bytes("v" + i));
            net.stabilize();
        }
        assertThat(net.node(1).status().progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE.name());
        assertThat(net.host(2).logTerms()).isEqualTo(net.host(1).logTerms());
        return net;
    }

    @Test
    void aWipedPeersRejectionsAreIgnoredWhileTheLeaderStillBelievesItsOldMatch() {
        Net net = replicatedCluster();
        net.add(2, Net.storage(THREE, new HardState(0, 0, 0)));
        net.node(1).propose(bytes("after-wipe"));
        // Without forgetProgress the exchange never settles (the simulator's seed 13): bound it.
        int delivered = 0;
        net.processAll();
        while (delivered < 2_000 && net.deliverOne()) {
            net.processAll();
            delivered++;
        }
        assertThat(delivered).as("messages keep flowing").isEqualTo(2_000);
        assertThat(net.host(2).storage.lastIndex()).as("and the wiped peer got nothing").isZero();
        assertThat(net.node(1).status().progress().get(2L).match()).isGreaterThan(0);
    }

    @Test
    void afterForgetProgressTheLeaderProbesTheWipedPeerAndRepairsIt() {
        Net net = replicatedCluster();
        net.add(2, Net.storage(THREE, new HardState(0, 0, 0)));
        net.node(1).forgetProgress(2);
        assertThat(net.node(1).status().progress().get(2L).match()).isZero();
        net.node(1).propose(bytes("after-wipe"));
        net.stabilize();
        assertThat(net.host(2).logTerms()).isEqualTo(net.host(1).logTerms());
        assertThat(net.node(1).status().progress().get(2L).match()).isEqualTo(net.host(1).storage.lastIndex());
        assertThat(net.node(1).commitIndex()).isEqualTo(net.host(1).storage.lastIndex());
    }

    @Test
    void forgettingAPeerThatKeptItsLogCostsOneProbeAndLosesNothing() {
        Net net = replicatedCluster();
        long commit = net.node(1).commitIndex();
        net.node(1).forgetProgress(2);
        assertThat(net.node(1).commitIndex()).as("the commit index never goes back").isEqualTo(commit);
        net.node(1).propose(bytes("next"));
        net.stabilize();
        assertThat(net.host(2).logTerms()).isEqualTo(net.host(1).logTerms());
        assertThat(net.node(1).status().progress().get(2L).state()).isEqualTo(ProgressState.REPLICATE.name());
    }

    @Test
    void onAFollowerOrForItselfItDoesNothing() {
        Net net = replicatedCluster();
        long match = net.node(1).status().progress().get(1L).match();
        net.node(1).forgetProgress(1);
        net.node(2).forgetProgress(3);
        assertThat(net.node(1).status().progress().get(1L).match()).isEqualTo(match);
    }
}
