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
    void aProcessBehindTheRegisteredIncarnationIsToldWhyItWillNeverRegister() {
        assertThat(ConclaveNode.staleIncarnation(2, 5_000, 4_000))
                .contains("node 2 is registered with incarnation 5000, newer than this process's 4000")
                .contains("clock").contains("will not register");
    }
}
