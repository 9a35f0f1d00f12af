package io.conclave.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void portsAreDistinctBelowTheEphemeralRangeAndFreeToBind() throws Exception {
        int[] ports = LoopbackPorts.pick(12);

        assertThat(ports).doesNotHaveDuplicates();
        for (int p : ports) {
            assertThat(p).isBetween(LoopbackPorts.LOW, LoopbackPorts.ephemeralLow() - 1);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
            }
        }
    }

    @Test
    void aPortInUseIsNeverChosen() throws Exception {
        int[] first = LoopbackPorts.pick(1);
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), first[0]));
            for (int i = 0; i < 50; i++) {
                assertThat(LoopbackPorts.pick(20)).doesNotContain(first[0]);
            }
        }
    }
}
