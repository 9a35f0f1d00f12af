package io.conclave.multiraft.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.raft.ConfState;
import io.conclave.raft.StateRole;
import org.junit.jupiter.api.Test;

class LeaderLogTest {

    private static GroupStatus leader(long node, long term) {
        return new GroupStatus(1, node, 1, StateRole.LEADER, node, term, 0, 0, 0, 0, 1, ConfState.ofVoters(1, 2, 3),
                false, false, false, 0, 0);
    }

    @Test
    void twoLeadersInOneTermAreCaught() {
        LeaderLog log = new LeaderLog();
        log.record(1, leader(1, 5));
        log.record(1, leader(2, 6));
        assertThat(log.violations()).isEmpty();
        log.record(1, leader(3, 6)); // a planted second leader of term 6
        assertThat(log.violations()).containsExactly("group 1 term 6: leaders 2 and 3");
    }
}
