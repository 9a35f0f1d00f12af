package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.message.HeartbeatResponse;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.net.NetConfig;
import io.conclave.sim.net.Network;
import io.conclave.transport.Envelope;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;
import io.conclave.transport.LivenessPing;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimTransportTest {

    private final Scheduler scheduler = new Scheduler(1_000);
    private final Network network = new Network(scheduler, SimRandom.of(1, "net"), new Trace(), NetConfig.defaults(),
            new int[3]);
    private final List<Object> delivered = new ArrayList<>();
    private final RuntimeNetwork rnet = new RuntimeNetwork(network);
    private final SimTransport t1 = new SimTransport(rnet, 1, Set.of(2L), 2);
    private final SimTransport t2 = new SimTransport(rnet, 2, Set.of(1L), 2);

    SimTransportTest() {
        network.setReceiver((from, to, payload) -> (to == 1 ? t1 : t2).receive(from, payload));
        t2.setInboundHandler(new InboundHandler() {
            @Override
            public void onMessages(long fromNode, List<Envelope> messages) {
                delivered.add(messages);
            }

            @Override
            public void onLiveness(long fromNode, Liveness signal) {
                delivered.add(signal);
            }
        });
    }

    private static HeartbeatResponse msg(long round) {
        return new HeartbeatResponse(1, 2, 1, round);
    }

    @Test
    void sendsLeaveAsOneBatchAtTheFlushThroughTheScheduler() {
        assertThat(t1.send(2, 7, msg(1))).isTrue();
        assertThat(t1.send(2, 8, msg(2))).isTrue();
        scheduler.runUntil(1_000_000_000L);
        assertThat(delivered).isEmpty(); // nothing leaves before the flush
        t1.flush();
        assertThat(delivered).isEmpty(); // nor is it delivered inline
        scheduler.runUntil(2_000_000_000L);
        assertThat(delivered).containsExactly(List.of(new Envelope(7, msg(1)), new Envelope(8, msg(2))));
        assertThat(t1.stats().peer(2).batchesSent()).isEqualTo(1);
        assertThat(t1.stats().peer(2).messagesSent()).isEqualTo(2);
    }

    @Test
    void aFullOutboxRefusesAndAClosedTransportNeitherSendsNorReceives() {
        assertThat(t1.send(2, 1, msg(1))).isTrue();
        assertThat(t1.send(2, 1, msg(2))).isTrue();
        assertThat(t1.send(2, 1, msg(3))).isFalse(); // the outbox holds two
        assertThat(t1.stats().peer(2).messagesDropped()).isEqualTo(1);
        assertThat(t1.sendLiveness(2, new LivenessPing(1, 1, 0, 1))).isTrue();
        t2.close();
        scheduler.runUntil(1_000_000_000L);
        assertThat(delivered).isEmpty();
        t1.close();
        assertThat(t1.send(2, 1, msg(4))).isFalse();
        assertThat(t1.sendPriority(2, 1, msg(5))).isFalse();
        assertThatThrownBy(() -> t1.send(3, 1, msg(6))).isInstanceOf(IllegalArgumentException.class);
    }
}
