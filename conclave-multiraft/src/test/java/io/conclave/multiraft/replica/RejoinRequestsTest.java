package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfChange;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.message.ProposalForward;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The leader's gate for forwarded proposals ({@link RejoinRequests#withoutStalePromotions}): only a rejoin's
 * promotion of a node that no rejoin demoted (the set does not mark it) is dropped; everything else passes
 * untouched, in order.
 */
class RejoinRequestsTest {

    private static final RejoinDemoted THREE_DEMOTED = RejoinDemoted.of(Set.of(3L));

    @Test
    void aPromotionOfANodeThatARejoinDemotedPasses() {
        ProposalForward f = forward(RejoinRequests.promote(3, 7));
        assertThat(RejoinRequests.withoutStalePromotions(f, THREE_DEMOTED)).isSameAs(f);
    }

    @Test
    void aPromotionOfANodeThatNoRejoinDemotedIsDropped() {
        assertThat(RejoinRequests.withoutStalePromotions(forward(RejoinRequests.promote(3, 7)), RejoinDemoted.NONE))
                .isNull();
        assertThat(RejoinRequests.withoutStalePromotions(forward(RejoinRequests.promote(4, 1)), THREE_DEMOTED))
                .isNull();
    }

    @Test
    void otherChangesAndEntriesPassEvenForAnUnmarkedNode() {
        ProposalForward f = forward(RejoinRequests.demote(4, 1), ConfChange.addVoter(4));
        assertThat(RejoinRequests.withoutStalePromotions(f, RejoinDemoted.NONE)).isSameAs(f);
        ProposalForward normal = new ProposalForward(2, 1, 0, List.of(Entry.normal(0, 0, new byte[] {1})));
        assertThat(RejoinRequests.withoutStalePromotions(normal, RejoinDemoted.NONE)).isSameAs(normal);
        ProposalForward malformed = new ProposalForward(2, 1, 0,
                List.of(new Entry(0, 0, EntryType.CONF_CHANGE, new byte[] {9})));
        assertThat(RejoinRequests.withoutStalePromotions(malformed, RejoinDemoted.NONE)).isSameAs(malformed);
    }

    @Test
    void onlyTheStalePromotionIsTakenOutOfAMixedForward() {
        ProposalForward f = forward(ConfChange.addLearner(2), RejoinRequests.promote(4, 1), RejoinRequests.promote(3, 1));
        ProposalForward kept = RejoinRequests.withoutStalePromotions(f, THREE_DEMOTED);
        assertThat(kept.entries()).extracting(e -> ConfChange.decode(e.data()))
                .containsExactly(ConfChange.addLearner(2), RejoinRequests.promote(3, 1));
        assertThat(kept.from()).isEqualTo(2);
        assertThat(kept.to()).isEqualTo(1);
    }

    private static ProposalForward forward(ConfChange... changes) {
        List<Entry> entries = new ArrayList<>();
        for (ConfChange cc : changes) {
            entries.add(new Entry(0, 0, EntryType.CONF_CHANGE, cc.encode()));
        }
        return new ProposalForward(2, 1, 0, entries);
    }
}
