package io.conclave.raft.confchange;

import io.conclave.raft.ConfChangeSingle;
import io.conclave.raft.progress.Progress;
import io.conclave.raft.progress.TrackerConfig;
import io.conclave.raft.quorum.JointConfig;
import io.conclave.raft.quorum.MajorityConfig;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the membership that a configuration change leads to, without touching the live tracker:
 * it works on copies and returns the new configuration and progress map, or throws
 * {@link InvalidConfChangeException} explaining why the change is not allowed.
 *
 * <p>Three operations, as joint consensus needs them: {@link #simple} (at most one voter changes,
 * no joint state), {@link #enterJoint} (the current voters become the outgoing half, the changes
 * shape the incoming half), and {@link #leaveJoint} (drop the outgoing half, turn learnersNext into
 * learners).
 */
public final class Changer {

    /** The new membership and the progress map that goes with it. */
    public record Result(TrackerConfig config, TreeMap<Long, Progress> progress) {
    }

    private final TrackerConfig base;
    private final TreeMap<Long, Progress> baseProgress;
    private final long lastIndex;
    private final int maxInflight;
    private final long maxInflightBytes;

    public Changer(TrackerConfig base, TreeMap<Long, Progress> baseProgress, long lastIndex, int maxInflight,
                   long maxInflightBytes) {
        this.base = base;
        this.baseProgress = baseProgress;
        this.lastIndex = lastIndex;
        this.maxInflight = maxInflight;
        this.maxInflightBytes = maxInflightBytes;
    }

    /** Applies changes that alter at most one voter, without a joint configuration. */
    public Result simple(List<ConfChangeSingle> changes) {
        if (base.isJoint()) {
            throw new InvalidConfChangeException("cannot make a simple change while in a joint configuration");
        }
        Work w = new Work();
        w.apply(changes);
        int changed = symmetricDifference(base.voters().incoming().ids(), w.incoming);
        if (changed > 1) {
            throw new InvalidConfChangeException("more than one voter changed without a joint configuration");
        }
        return w.finish();
    }

    /** Enters a joint configuration: the current voters become the outgoing half. */
    public Result enterJoint(boolean autoLeave, List<ConfChangeSingle> changes) {
        if (base.isJoint()) {
            throw new InvalidConfChangeException("already in a joint configuration");
        }
        if (base.voters().incoming().isEmpty()) {
            throw new InvalidConfChangeException("cannot enter a joint configuration from no voters");
        }
        Work w = new Work();
        w.outgoing.addAll(base.voters().incoming().ids());
        w.apply(changes);
        w.autoLeave = autoLeave;
        return w.finish();
    }

    /** Leaves the joint configuration: the incoming half rules alone. */
    public Result leaveJoint() {
        if (!base.isJoint()) {
            throw new InvalidConfChangeException("not in a joint configuration");
        }
        Work w = new Work();
        for (Long id : w.learnersNext) {
            w.learners.add(id);
            w.progress.put(id, w.copyWithLearner(w.progress.get(id), true));
        }
        w.learnersNext.clear();
        for (Long id : w.outgoing) {
            if (!w.incoming.contains(id) && !w.learners.contains(id)) {
                w.progress.remove(id);
            }
        }
        w.outgoing.clear();
        w.autoLeave = false;
        return w.finish();
    }

    private static int symmetricDifference(java.util.Set<Long> a, java.util.Set<Long> b) {
        int n = 0;
        for (Long x : a) {
            if (!b.contains(x)) {
                n++;
            }
        }
        for (Long x : b) {
            if (!a.contains(x)) {
                n++;
            }
        }
        return n;
    }

    /** Mutable copies of the base configuration. */
    private final class Work {
        final TreeSet<Long> incoming = new TreeSet<>(base.voters().incoming().ids());
        final TreeSet<Long> outgoing = new TreeSet<>(base.voters().outgoing().ids());
        final TreeSet<Long> learners = new TreeSet<>(base.learners());
        final TreeSet<Long> learnersNext = new TreeSet<>(base.learnersNext());
        boolean autoLeave = base.autoLeave();
        final TreeMap<Long, Progress> progress = copyProgress();

        private TreeMap<Long, Progress> copyProgress() {
            // Progress objects are shared with the live tracker except where a learner flag changes;
            // those are replaced by copies so that a rejected change leaves the tracker untouched.
            return new TreeMap<>(baseProgress);
        }

        void apply(List<ConfChangeSingle> changes) {
            for (ConfChangeSingle c : changes) {
                switch (c.type()) {
                    case ADD_VOTER:
                        makeVoter(c.nodeId());
                        break;
                    case ADD_LEARNER:
                        makeLearner(c.nodeId());
                        break;
                    case REMOVE_NODE:
                        remove(c.nodeId());
                        break;
                    default:
                        throw new InvalidConfChangeException("unknown change type " + c.type());
                }
            }
            if (incoming.isEmpty()) {
                throw new InvalidConfChangeException("the change removes every voter");
            }
        }

        private void makeVoter(long id) {
            Progress p = progress.get(id);
            if (p == null) {
                progress.put(id, newProgress(false));
            } else if (p.isLearner()) {
                progress.put(id, copyWithLearner(p, false));
            }
            learners.remove(id);
            learnersNext.remove(id);
            incoming.add(id);
        }

        private void makeLearner(long id) {
            Progress p = progress.get(id);
            if (p == null) {
                progress.put(id, newProgress(true));
                learners.add(id);
                return;
            }
            if (p.isLearner()) {
                return;
            }
            // Demote: it stops being an incoming voter. While it is an outgoing voter it must stay a
            // voter there, so it becomes a learner only when the joint configuration is left.
            incoming.remove(id);
            if (outgoing.contains(id)) {
                learnersNext.add(id);
            } else {
                progress.put(id, copyWithLearner(p, true));
                learners.add(id);
            }
        }

        private void remove(long id) {
            if (!progress.containsKey(id)) {
                return;
            }
            incoming.remove(id);
            learners.remove(id);
            learnersNext.remove(id);
            if (!outgoing.contains(id)) {
                progress.remove(id);
            }
        }

        private Progress newProgress(boolean learner) {
            // match 0 and next at the leader's last index: the first append probes from there.
            return new Progress(0, Math.max(lastIndex, 1), maxInflight, maxInflightBytes, learner);
        }

        Progress copyWithLearner(Progress p, boolean learner) {
            Progress c = new Progress(p.match(), p.next(), maxInflight, maxInflightBytes, learner);
            c.setRecentActive(p.recentActive());
            c.ackRound(p.ackedRound());
            return c;
        }

        Result finish() {
            if (outgoing.isEmpty()) {
                autoLeave = false;
            }
            TrackerConfig cfg = new TrackerConfig(new JointConfig(new MajorityConfig(incoming),
                    new MajorityConfig(outgoing)), learners, learnersNext, autoLeave);
            for (Long id : learners) {
                if (incoming.contains(id) || outgoing.contains(id)) {
                    throw new InvalidConfChangeException("node " + id + " would be a voter and a learner");
                }
            }
            return new Result(cfg, progress);
        }
    }
}
