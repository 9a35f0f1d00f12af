package io.conclave.server.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaleIncarnationTest {

    @Test
    void aProcessWhoseIncarnationIsNotBehindTheRegisteredOneMayRegister() {
        assertThat(ConclaveNode.staleIncarnation(2, 1_000, 1_000)).isEmpty();
        assertThat(ConclaveNode.staleIncarnation(2, 1_000, 2_000)).isEmpty();
    }

    @Test
    void aNewDirectoryTakesAnIncarnationAboveTheRegisteredOneWhenItsClockIsBehind() {
        io.conclave.multiraft.time.Clock behind = new io.conclave.multiraft.time.Clock() {
            @Override
            public long nowNs() {
                return 42;
            }

            @Override
            public long incarnationFloor() {
                return 1_000; // the wall clock, set back
            }
        };
        io.conclave.multiraft.time.Clock raised = ConclaveNode.withIncarnationFloor(behind, 5_001);
        assertThat(raised.incarnationFloor()).isEqualTo(5_001);
        assertThat(raised.nowNs()).isEqualTo(42);
        assertThat(ConclaveNode.withIncarnationFloor(behind, 1).incarnationFloor()).as("nothing registered")
                .isEqualTo(1_000);
    }

    @Test
    void aProcessBehindTheRegisteredIncarnationIsToldWhyItWillNeverRegister() {
        assertThat(ConclaveNode.staleIncarnation(2, 5_000, 4_000))
                .contains("node 2 is registered with incarnation 5000, newer than this process's 4000")
                .contains("clock").contains("will not register");
    }
}
