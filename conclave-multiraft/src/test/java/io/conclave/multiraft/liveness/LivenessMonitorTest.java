package io.conclave.multiraft.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.time.ManualClock;
import io.conclave.raft.message.Message;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;
import io.conclave.transport.LivenessPing;
import io.conclave.transport.Transport;
import io.conclave.transport.TransportStats;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LivenessMonitorTest {

    private static final long MS = 1_000_000L;

    private static final class Capture implements Transport {
        final List<Liveness> priority = new ArrayList<>();
        final java.util.Set<Long> down = new java.util.HashSet<>();

        @Override
        public long localNode() {
            return 1;
        }

        @Override
        public boolean send(long toNode, long groupId, Message message) {
            throw new AssertionError("liveness pings are not Raft messages");
        }

        @Override
        public boolean sendPriority(long toNode, long groupId, Message message) {
            throw new AssertionError("liveness pings are not Raft messages");
        }

        @Override
        public boolean sendLiveness(long toNode, Liveness signal) {
            priority.add(signal);
            return true;
        }

        @Override
        public void flush() {
        }

        @Override
        public Set<Long> peers() {
            return Set.of(2L, 3L);
        }

        @Override
        public TransportStats stats() {
            Map<Long, TransportStats.PeerStats> m = new java.util.HashMap<>();
            for (long p : peers()) {
                m.put(p, new TransportStats.PeerStats(p, !down.contains(p), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            }
            return new TransportStats(m);
        }

        @Override
        public void setInboundHandler(InboundHandler handler) {
        }

        @Override
        public void close() {
        }
    }

    private static final class Events implements LivenessListener {
        final List<String> seen = new ArrayList<>();
        final List<PeerSilence> silences = new ArrayList<>();

        @Override
        public void onSuspected(long peer, long nowNs, PeerSilence silence) {
            seen.add("suspect " + peer);
            silences.add(silence);
        }

        @Override
        public void onRecovered(long peer, long nowNs, PeerSilence silence) {
            seen.add("recover " + peer);
            silences.add(silence);
        }
    }

    /** Peers 2 and 3 (incarnation 1) ping every 10 ms for a second, sent and heard at once. */
    private static void bothPingEveryTenMsForOneSecond(LivenessMonitor m, ManualClock clock) {
        for (int i = 0; i < 100; i++) {
            m.recordPing(2, 1, clock.nowNs(), clock.nowNs());
            m.recordPing(3, 1, clock.nowNs(), clock.nowNs());
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
    }

    @Test
    void silentPeerIsSuspectedOnceAndRecoversWhenHeardAgain() {
        ManualClock clock = new ManualClock(0);
        Capture transport = new Capture();
        Events events = new Events();
        LivenessMonitor m = new LivenessMonitor(1, 7, LivenessConfig.defaults(), transport, () -> Set.of(2L, 3L),
                events);
        bothPingEveryTenMsForOneSecond(m, clock);
        assertThat(events.seen).isEmpty();
        assertThat(transport.priority).hasSize(200);
        assertThat(((LivenessPing) transport.priority.get(0)).incarnation()).isEqualTo(7);

        for (int i = 0; i < 50; i++) { // peer 3 goes silent for 500 ms
            m.recordPing(2, 1, clock.nowNs(), clock.nowNs());
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        assertThat(events.seen).containsExactly("suspect 3");
        assertThat(m.isSuspected(3)).isTrue();

        m.recordPing(3, 1, clock.nowNs(), clock.nowNs());
        m.recordPing(2, 1, clock.nowNs(), clock.nowNs());
        m.onTimer(clock.nowNs());
        assertThat(events.seen).containsExactly("suspect 3", "recover 3");
        assertThat(m.stats().suspicions()).isEqualTo(1);
        assertThat(m.stats().recoveries()).isEqualTo(1);
    }

    @Test
    void aSilenceTellsAStalledSenderFromPingsHeldOnTheWay() {
        ManualClock clock = new ManualClock(0);
        Events events = new Events();
        LivenessMonitor m = new LivenessMonitor(1, 1, LivenessConfig.defaults(), new Capture(), () -> Set.of(2L, 3L),
                events);
        bothPingEveryTenMsForOneSecond(m, clock);
        // Peer 2 stalls for 400 ms and sends nothing; peer 3 sends every 10 ms but its pings are held on
        // the way, and all arrive at the end.
        long holdStartNs = clock.nowNs();
        for (int i = 0; i < 40; i++) {
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        assertThat(events.seen).containsExactly("suspect 2", "suspect 3");
        assertThat(events.silences.get(0).sendGapNs()).as("the last two pings heard were 10 ms apart")
                .isEqualTo(10_000_000L);
        assertThat(events.silences.get(0).arrivalGapNs()).isGreaterThan(150_000_000L);

        m.recordPing(2, 1, clock.nowNs(), clock.nowNs());
        for (long sendNs = holdStartNs; sendNs <= clock.nowNs(); sendNs += 10_000_000L) {
            m.recordPing(3, 1, sendNs, clock.nowNs());
        }
        m.onTimer(clock.nowNs());
        assertThat(events.seen).containsExactly("suspect 2", "suspect 3", "recover 2", "recover 3");
        PeerSilence stalled = events.silences.get(2);
        PeerSilence held = events.silences.get(3);
        assertThat(stalled.arrivalGapNs()).isEqualTo(410_000_000L);
        assertThat(stalled.sendGapNs()).as("a stalled sender's pings are as far apart as their arrivals")
                .isEqualTo(410_000_000L);
        assertThat(held.arrivalGapNs()).isEqualTo(410_000_000L);
        assertThat(held.sendGapNs()).as("held pings were sent on time").isEqualTo(10_000_000L);
        assertThat(held.describe()).isEqualTo("silent 410 ms, pings sent 10 ms apart");
        assertThat(held.heldOnTheWay()).isTrue();
        assertThat(stalled.heldOnTheWay()).isFalse();
        assertThat(PeerSilence.UNKNOWN.heldOnTheWay()).isFalse();
    }

    @Test
    void aSilentPeerWhoseConnectionIsGoneIsSuspectedLongBeforeTheDetectorWouldFire() {
        ManualClock clock = new ManualClock(0);
        Capture transport = new Capture();
        Events events = new Events();
        LivenessMonitor m = new LivenessMonitor(1, 1, LivenessConfig.defaults(), transport, () -> Set.of(2L, 3L),
                events);
        bothPingEveryTenMsForOneSecond(m, clock);
        // Both go silent; only peer 3's connection is reported gone.
        transport.down.add(3L);
        for (int i = 0; i < 3; i++) {
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        assertThat(events.seen).as("30 ms of silence is not yet enough").isEmpty();
        m.onTimer(clock.nowNs());
        clock.advanceMs(10);
        assertThat(events.seen).containsExactly("suspect 3");
        for (int i = 0; i < 5; i++) {
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        assertThat(events.seen).as("peer 2 is silent for 100 ms but connected: a stall, not a death")
                .containsExactly("suspect 3");
        for (int i = 0; i < 30; i++) {
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        assertThat(events.seen).as("after 400 ms the detector judges peer 2 silent too")
                .containsExactly("suspect 3", "suspect 2");
    }

    @Test
    void aStallOfThisNodeIsNotHeldAgainstItsPeersButARealSilenceIsSuspectedOneRoundLater() {
        ManualClock clock = new ManualClock(0);
        Events events = new Events();
        LivenessMonitor m = new LivenessMonitor(1, 1, LivenessConfig.defaults(), new Capture(), () -> Set.of(2L, 3L),
                events);
        bothPingEveryTenMsForOneSecond(m, clock);
        // This node stalls for 300 ms (its timer does not run); peer 2's pings sent meanwhile are only
        // stamped when this node's transport threads run again, at the end of the stall.
        clock.advanceMs(300);
        m.onTimer(clock.nowNs());
        assertThat(events.seen).as("nobody is judged right after this node's own stall").isEmpty();
        assertThat(m.stats().evaluationsSkipped()).isEqualTo(1);

        m.recordPing(2, 1, clock.nowNs(), clock.nowNs());
        clock.advanceMs(10);
        m.onTimer(clock.nowNs());
        assertThat(events.seen).as("peer 2 pinged after the stall, peer 3 stays silent")
                .containsExactly("suspect 3");
        assertThat(m.stats().evaluationsSkipped()).isEqualTo(1);
    }

    @Test
    void aRestartedPeerCountsAsSuspectedAndRecoveredEvenWhenItCameBackBeforeTheDetectorFired() {
        ManualClock clock = new ManualClock(0);
        Events events = new Events();
        LivenessMonitor m = new LivenessMonitor(1, 1, LivenessConfig.defaults(), new Capture(), () -> Set.of(2L),
                events);
        for (int i = 0; i < 20; i++) {
            m.recordPing(2, 1, clock.nowNs(), clock.nowNs());
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        m.recordPing(2, 2, clock.nowNs(), clock.nowNs()); // back within 10 ms, in its next life
        m.onTimer(clock.nowNs());
        assertThat(events.seen).containsExactly("suspect 2", "recover 2");
        assertThat(m.isSuspected(2)).isFalse();
        assertThat(m.stats().suspicions()).isEqualTo(1);
        assertThat(m.stats().recoveries()).isEqualTo(1);
    }

    @Test
    void peerWithANewIncarnationStartsAFreshHistoryAndOldIncarnationPingsAreIgnored() {
        ManualClock clock = new ManualClock(0);
        Events events = new Events();
        LivenessMonitor m = new LivenessMonitor(1, 1, LivenessConfig.defaults(), new Capture(), () -> Set.of(2L),
                events);
        for (int i = 0; i < 20; i++) {
            m.recordPing(2, 1, clock.nowNs(), clock.nowNs());
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        m.recordPing(2, 2, clock.nowNs(), clock.nowNs());
        m.recordPing(2, 1, clock.nowNs(), clock.nowNs());
        m.onTimer(clock.nowNs());
        assertThat(m.stats().peerRestarts()).isEqualTo(1);
        // the restart itself is one suspicion and recovery; the stale ping of incarnation 1 adds nothing
        assertThat(events.seen).containsExactly("suspect 2", "recover 2");
    }
}
