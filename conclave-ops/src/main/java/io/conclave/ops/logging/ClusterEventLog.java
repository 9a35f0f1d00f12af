package io.conclave.ops.logging;

import io.conclave.multiraft.liveness.LivenessListener;
import io.conclave.multiraft.liveness.PeerSilence;
import io.conclave.ops.metrics.CensusListener;
import io.conclave.ops.metrics.CensusReport;
import io.conclave.ops.metrics.LeaderChange;
import io.conclave.ops.metrics.RuntimeSample;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one log line per cluster event a node sees:
 * <ul>
 *   <li>from each group census: a leader elected, moved or re-elected in a new term (at most
 *       {@code changesPerCensusMax} lines, then one summary line, so a failover of thousands of
 *       groups does not flood the log);</li>
 *   <li>from each sample of the counters: peers becoming unreachable or reachable, and new
 *       suspicions or recoveries counted by liveness;</li>
 *   <li>as a {@link LivenessListener}, for a host that can register one: the peer suspected or
 *       recovered, at once.</li>
 * </ul>
 * Quiet otherwise. Calls come from the census thread (and the liveness owner's thread); the
 * sample state is only touched by the census thread.
 */
public final class ClusterEventLog implements CensusListener, LivenessListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.conclave.events");

    private final long nodeId;
    private final int changesPerCensusMax;
    private Set<Long> unreachable = Set.of();
    private long suspicions = -1;
    private long recoveries = -1;

    /**
     * @param nodeId the node whose view this is (written in every line)
     * @param changesPerCensusMax leader-change lines written per census at most
     */
    public ClusterEventLog(long nodeId, int changesPerCensusMax) {
        if (changesPerCensusMax < 0) {
            throw new IllegalArgumentException("changesPerCensusMax must be >= 0: " + changesPerCensusMax);
        }
        this.nodeId = nodeId;
        this.changesPerCensusMax = changesPerCensusMax;
    }

    @Override
    public void onCensus(CensusReport report, List<LeaderChange> changes) {
        int written = 0;
        for (LeaderChange c : changes) {
            if (written == changesPerCensusMax) {
                LOG.info("node {}: {} more leader changes in this census (groups led here now: {} of {})", nodeId,
                        changes.size() - written, report.leaders(), report.groups());
                break;
            }
            logChange(c);
            written++;
        }
        if (report.broken() > 0 && !changes.isEmpty()) {
            LOG.warn("node {}: {} replicas are stopped after a storage failure", nodeId, report.broken());
        }
    }

    private void logChange(LeaderChange c) {
        if (c.fromLeader() == 0) {
            LOG.info("node {}: group {} leader is node {} (term {})", nodeId, c.groupId(), c.toLeader(), c.toTerm());
        } else {
            LOG.info("node {}: group {} leader moved from node {} to node {} (term {} -> {})", nodeId, c.groupId(),
                    c.fromLeader(), c.toLeader(), c.fromTerm(), c.toTerm());
        }
    }

    /** Compares the sample with the previous one; logs reachability changes and liveness counts. */
    public void onSample(RuntimeSample s) {
        Set<Long> now = s.transport().unreachablePeers();
        if (suspicions >= 0) {
            for (long p : difference(now, unreachable)) {
                LOG.warn("node {}: peer {} is unreachable", nodeId, p);
            }
            for (long p : difference(unreachable, now)) {
                if (s.transport().peers().containsKey(p)) {
                    LOG.info("node {}: peer {} is reachable again", nodeId, p);
                }
            }
            long newSuspicions = s.runtime().liveness().suspicions() - suspicions;
            long newRecoveries = s.runtime().liveness().recoveries() - recoveries;
            if (newSuspicions > 0) {
                LOG.warn("node {}: liveness suspected {} peer(s) since the last look; unreachable now: {}", nodeId,
                        newSuspicions, now);
            }
            if (newRecoveries > 0) {
                LOG.info("node {}: liveness recovered {} peer(s) since the last look; unreachable now: {}", nodeId,
                        newRecoveries, now);
            }
        }
        unreachable = now;
        suspicions = s.runtime().liveness().suspicions();
        recoveries = s.runtime().liveness().recoveries();
    }

    private static Set<Long> difference(Set<Long> a, Set<Long> b) {
        Set<Long> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    @Override
    public void onSuspected(long peer, long nowNs, PeerSilence silence) {
        LOG.warn("node {}: peer {} suspected by liveness ({}); followers of its groups start failover", nodeId, peer,
                silence.describe());
    }

    /**
     * At WARN when the peer was suspected for nothing (its pings were held on the way, not unsent:
     * the failover it started was spurious), at INFO otherwise.
     */
    @Override
    public void onRecovered(long peer, long nowNs, PeerSilence silence) {
        if (silence.heldOnTheWay()) {
            LOG.warn("node {}: peer {} recovered ({}: held on the way, not a stall of the peer)", nodeId, peer,
                    silence.describe());
        } else {
            LOG.info("node {}: peer {} recovered (heard from again; {})", nodeId, peer, silence.describe());
        }
    }
}
