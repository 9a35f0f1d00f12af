package io.conclave.multiraft.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which learners a rejoin demoted (and so must promote back): only a rejoin's demotion that finds a
 * voter adds one, whichever incarnation asked; the membership's own changes decide for good.
 */
class RejoinDemotedTest {

    private static final ConfState THREE_VOTERS = ConfState.ofVoters(1, 2, 3);
    private static final ConfState THREE_A_LEARNER = new ConfState(Set.of(1L, 2L), Set.of(3L), Set.of(), Set.of(), false);
    private static final ConfState FOUR_A_LEARNER = new ConfState(Set.of(1L, 2L, 3L), Set.of(4L), Set.of(), Set.of(), false);

    @Test
    void aRejoinsDemotionOfAVoterMarksIt() {
        RejoinDemoted d = RejoinDemoted.NONE.after(RejoinRequests.demote(3, 7), THREE_VOTERS, THREE_A_LEARNER);
        assertThat(d.contains(3)).isTrue();
    }

    @Test
    void aRejoinsDemotionOfALearnerByTheMembershipsChoiceMarksNothing() {
        RejoinDemoted d = RejoinDemoted.NONE.after(RejoinRequests.demote(4, 7), FOUR_A_LEARNER, FOUR_A_LEARNER);
        assertThat(d.nodes()).isEmpty();
    }

    @Test
    void theNextIncarnationsDemotionKeepsTheMarkItsLastLifeLeft() {
        RejoinDemoted d = RejoinDemoted.NONE.after(RejoinRequests.demote(3, 7), THREE_VOTERS, THREE_A_LEARNER)
                .after(RejoinRequests.demote(3, 8), THREE_A_LEARNER, THREE_A_LEARNER);
        assertThat(d.contains(3)).isTrue();
    }

    @Test
    void thePromotionClearsTheMark() {
        RejoinDemoted d = RejoinDemoted.of(Set.of(3L)).after(RejoinRequests.promote(3, 8), THREE_A_LEARNER, THREE_VOTERS);
        assertThat(d.nodes()).isEmpty();
    }

    @Test
    void aMembershipChangeNamingTheNodeDecidesForGood() {
        RejoinDemoted marked = RejoinDemoted.of(Set.of(3L, 5L));
        ConfState removed = ConfState.ofVoters(1, 2);
        assertThat(marked.after(ConfChange.remove(3), THREE_A_LEARNER, removed).nodes()).containsExactly(5L);
        assertThat(marked.after(ConfChange.addLearner(3), THREE_A_LEARNER, THREE_A_LEARNER).nodes())
                .as("placement keeping it a learner").containsExactly(5L);
        assertThat(marked.after(ConfChange.addVoter(4), THREE_A_LEARNER, THREE_A_LEARNER).nodes())
                .as("a change naming others leaves it").containsExactly(3L, 5L);
    }

    @Test
    void aPlacementsDemotionOfAVoterIsNoRejoins() {
        RejoinDemoted d = RejoinDemoted.NONE.after(ConfChange.addLearner(3), THREE_VOTERS, THREE_A_LEARNER);
        assertThat(d.nodes()).isEmpty();
    }

    @Test
    void aRejoinsDemotionThatLandsAfterARemovalMarksNothing() {
        ConfState removed = ConfState.ofVoters(1, 2);
        RejoinDemoted d = RejoinDemoted.NONE.after(RejoinRequests.demote(3, 7), removed, THREE_A_LEARNER);
        assertThat(d.nodes()).isEmpty();
    }
}
