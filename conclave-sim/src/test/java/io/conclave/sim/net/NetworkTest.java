package io.conclave.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NetworkTest {

    private final Scheduler scheduler = new Scheduler(1_000_000);
    private final List<String> delivered = new ArrayList<>();

    private Network network(NetConfig config, int... racks) {
        int[] rackOf = new int[racks.length + 1];
        System.arraycopy(racks, 0, rackOf, 1, racks.length);
        Network n = new Network(scheduler, SimRandom.of(1, "net"), new Trace(), config, rackOf);
        n.setReceiver((from, to, p) -> delivered.add(from + ">" + to + ":" + p + "@" + scheduler.nowNs()));
        return n;
    }

    @Test
    void aPacketArrivesAfterAtLeastTheMinimumLatency() {
        Network n = network(NetConfig.defaults(), 0, 0);
        n.send(1, 2, "a", 0);
        scheduler.runUntil(1_000_000_000L);
        assertThat(delivered).hasSize(1);
        long at = Long.parseLong(delivered.get(0).split("@")[1]);
        assertThat(at).isGreaterThanOrEqualTo(NetConfig.defaults().latencyNsMin());
    }

    @Test
    void aOneWayCutDropsOnlyThatDirection() {
        Network n = network(NetConfig.defaults(), 0, 0);
        n.cutOneWay(1, 2);
        n.send(1, 2, "lost", 0);
        n.send(2, 1, "kept", 0);
        scheduler.runUntil(1_000_000_000L);
        assertThat(delivered).hasSize(1).allMatch(s -> s.startsWith("2>1:kept"));
        assertThat(n.dropped()).isEqualTo(1);
    }

    @Test
    void aPartitionAlsoDropsPacketsAlreadyInFlight() {
        Network n = network(NetConfig.defaults(), 0, 0, 0);
        n.send(1, 2, "inflight", 0);
        n.apply(Partition.isolate(3, 1));
        scheduler.runUntil(1_000_000_000L);
        assertThat(delivered).isEmpty();
        n.healCuts();
        n.send(1, 2, "after", 0);
        scheduler.runUntil(2_000_000_000L);
        assertThat(delivered).hasSize(1);
    }

    @Test
    void aCloggedLinkHoldsPacketsUntilUnclogged() {
        Network n = network(NetConfig.defaults(), 0, 0);
        n.clog(1, 2);
        n.send(1, 2, "held", 0);
        scheduler.runUntil(5_000_000_000L);
        assertThat(delivered).isEmpty();
        assertThat(n.heldPackets()).isEqualTo(1);
        n.unclogAll();
        scheduler.runUntil(6_000_000_000L);
        assertThat(delivered).hasSize(1);
    }

    @Test
    void lossAndDuplicationHappenAtAboutTheirRates() {
        Network n = network(NetConfig.defaults().withFaults(0.2, 0.1, 0.3), 0, 0);
        for (int i = 0; i < 2000; i++) {
            n.send(1, 2, i, 0);
        }
        scheduler.runUntil(10_000_000_000L);
        assertThat(n.dropped()).isBetween(300L, 500L);
        assertThat(n.duplicated()).isBetween(100L, 220L);
        assertThat(delivered).hasSize((int) (2000 - n.dropped() + n.duplicated()));
    }

    @Test
    void linksBetweenRacksAreSlower() {
        Network n = network(NetConfig.defaults(), 0, 0, 1);
        long same = 0;
        long cross = 0;
        for (int i = 0; i < 200; i++) {
            same += n.latencyNs(1, 2);
            cross += n.latencyNs(1, 3);
        }
        assertThat(cross).isGreaterThan(2 * same);
    }

    @Test
    void partitionShapesSeparateTheRightPairs() {
        Partition bridge = Partition.bridge(5, 3);
        assertThat(bridge.canReach(3, 1)).isTrue();
        assertThat(bridge.canReach(3, 5)).isTrue();
        assertThat(bridge.canReach(1, 5)).isFalse();
        Partition split = Partition.split(5, new TreeSet<>(List.of(1, 2)));
        assertThat(split.canReach(1, 2)).isTrue();
        assertThat(split.canReach(2, 3)).isFalse();
        Partition ring = Partition.ring(5, new int[] {1, 2, 3, 4, 5});
        assertThat(ring.canReach(1, 2)).isTrue();
        assertThat(ring.canReach(1, 5)).isTrue();
        assertThat(ring.canReach(1, 3)).isFalse();
        Partition oneWay = Partition.oneWay(3, 1, 2);
        assertThat(oneWay.canReach(1, 2)).isFalse();
        assertThat(oneWay.canReach(2, 1)).isTrue();
        Partition cut = Partition.cutLink(3, 1, 2);
        assertThat(cut.canReach(1, 3)).isTrue();
        assertThat(cut.canReach(2, 1)).isFalse();
    }
}
