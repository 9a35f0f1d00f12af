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
            return new TransportStats(Map.of());
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

        @Override
        public void onSuspected(long peer, long nowNs) {
            seen.add("suspect " + peer);
        }

        @Override
        public void onRecovered(long peer, long nowNs) {
            seen.add("recover " + peer);
        }
    }

    @Test
    void silentPeerIsSuspectedOnceAndRecoversWhenHeardAgain() {
        ManualClock clock = new ManualClock(0);
        Capture transport = new Capture();
        Events events = new Events();
        LivenessMonitor m = new LivenessMonitor(1, 7, LivenessConfig.defaults(), transport, () -> Set.of(2L, 3L),
                events);
        for (int i = 0; i < 100; i++) {
            m.recordPing(2, 1, clock.nowNs());
            m.recordPing(3, 1, clock.nowNs());
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        assertThat(events.seen).isEmpty();
        assertThat(transport.priority).hasSize(200);
        assertThat(((LivenessPing) transport.priority.get(0)).incarnation()).isEqualTo(7);

        for (int i = 0; i < 50; i++) { // peer 3 goes silent for 500 ms
            m.recordPing(2, 1, clock.nowNs());
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        assertThat(events.seen).containsExactly("suspect 3");
        assertThat(m.isSuspected(3)).isTrue();

        m.recordPing(3, 1, clock.nowNs());
        m.recordPing(2, 1, clock.nowNs());
        m.onTimer(clock.nowNs());
        assertThat(events.seen).containsExactly("suspect 3", "recover 3");
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
            m.recordPing(2, 1, clock.nowNs());
            m.onTimer(clock.nowNs());
            clock.advanceMs(10);
        }
        m.recordPing(2, 2, clock.nowNs());
        m.recordPing(2, 1, clock.nowNs());
        m.onTimer(clock.nowNs());
        assertThat(m.stats().peerRestarts()).isEqualTo(1);
        assertThat(events.seen).isEmpty();
    }
}
