package io.conclave.raft.progress;

import io.conclave.raft.quorum.VoteResult;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The leader's bookkeeping of a group: the membership, a {@link Progress} per member, and the votes of
 * an election in progress. Members are kept in id order so that every iteration is deterministic.
 */
public final class ProgressTracker {

    private TrackerConfig config = TrackerConfig.EMPTY;
    private TreeMap<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new HashMap<>();

    public TrackerConfig config() {
        return config;
    }

    /** Members in id order; the map must not be modified. */
    public SortedMap<Long, Progress> progress() {
        return progress;
    }

    public Progress get(long id) {
        return progress.get(id);
    }

    /** Replaces membership and progress at once (after a configuration change or a snapshot). */
    public void install(TrackerConfig cfg, TreeMap<Long, Progress> prs) {
        for (Long id : cfg.voters().ids()) {
            requireProgress(prs, id, false);
        }
        for (Long id : cfg.learners()) {
            requireProgress(prs, id, true);
            if (cfg.voters().contains(id)) {
                throw new IllegalStateException("node " + id + " is both a voter and a learner");
            }
        }
        for (Long id : cfg.learnersNext()) {
            if (!cfg.voters().outgoing().contains(id)) {
                throw new IllegalStateException("learnerNext " + id + " is not an outgoing voter");
            }
        }
        if (prs.size() != cfg.toConfState().allMembers().size()) {
            throw new IllegalStateException("progress for " + prs.keySet() + " but members are "
                    + cfg.toConfState().allMembers());
        }
        this.config = cfg;
        this.progress = prs;
    }

    private static void requireProgress(Map<Long, Progress> prs, long id, boolean learner) {
        Progress p = prs.get(id);
        if (p == null) {
            throw new IllegalStateException("no progress for member " + id);
        }
        if (p.isLearner() != learner) {
            throw new IllegalStateException("member " + id + " learner flag is " + p.isLearner());
        }
    }

    /** The largest index a quorum of voters has persisted. */
    public long committed() {
        return config.voters().committedIndex(id -> {
            Progress p = progress.get(id);
            return p == null ? 0 : p.match();
        });
    }

    /** The largest heartbeat round a quorum has acknowledged, counting {@code self} at {@code selfRound}. */
    public long quorumAckedRound(long self, long selfRound) {
        return config.voters().committedIndex(id -> {
            if (id == self) {
                return selfRound;
            }
            Progress p = progress.get(id);
            return p == null ? 0 : p.ackedRound();
        });
    }

    /** Whether a quorum was heard from since the last reset of the recent-activity flags. */
    public boolean quorumActive(long self) {
        return config.voters().voteResult(id -> {
            if (id == self) {
                return 1;
            }
            Progress p = progress.get(id);
            return p != null && p.recentActive() ? 1 : 0;
        }) == VoteResult.WON;
    }

    public boolean isVoter(long id) {
        return config.voters().contains(id);
    }

    /** Whether {@code id} is the only voter. */
    public boolean isSingleton(long id) {
        return !config.isJoint() && config.voters().incoming().size() == 1 && config.voters().incoming().contains(id);
    }

    public void resetVotes() {
        votes.clear();
    }

    /** Records a vote (the first answer of each voter counts) and returns the tally. */
    public VoteResult recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
        return tally();
    }

    public VoteResult tally() {
        return config.voters().voteResult(id -> {
            Boolean v = votes.get(id);
            return v == null ? -1 : (v ? 1 : 0);
        });
    }
}
