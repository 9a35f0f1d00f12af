package io.conclave.multiraft.replica;

import io.conclave.multiraft.loop.EventLoop;
import io.conclave.multiraft.loop.TimerWheel;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.raft.HardState;
import io.conclave.raft.RaftNode;
import io.conclave.raft.StateRole;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.VoteResponse;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

/**
 * The runtime's campaigns of one replica: failover after its leader's node was suspected, the
 * bootstrap of a new group, a follower left with no leader. Loop thread only.
 *
 * <p>With one voter of three gone, the two survivors both have to vote for the same one of them.
 * The core's pre-vote does not prevent a split: two pre-candidates grant each other's pre-votes,
 * both become candidates of the same term, each refuses the other and both wait to retry — and
 * their retries collide again as often as not when the vote's fsync on a loaded disk is as long as
 * the back-off. Measured under load (docs/bench/runtime.md, d), that made the slowest groups of a
 * failover take 300–1,100 ms. This class decides who goes first and keeps the other out of the way,
 * by what it lets through to the core — nothing it does is more than message loss, duplication or
 * delay, which Raft tolerates:
 *
 * <ol>
 *   <li><b>Priority.</b> A vote request (pre or real) from a peer with a more up-to-date log, or an
 *       equally up-to-date one and a lower id, makes this replica <em>yield</em> for
 *       {@code campaignPatienceNs}: it starts no campaign and, while it is a pre-candidate, drops the
 *       pre-vote grants addressed to it, so it never becomes the rival candidate; the core still
 *       grants the peer's requests. The order is the same on every node, so two replicas never yield
 *       to each other, and yielding ends by itself if the peer goes quiet.</li>
 *   <li><b>A vote given is a vote to honour.</b> A replica that voted for another candidate in its
 *       current term does not campaign for {@code campaignPatienceNs} after the vote.</li>
 *   <li><b>A request the lease swallowed is replayed.</b> A vote request that arrives while this
 *       replica still follows a leader is refused silently by the core's lease; when that leader's
 *       node is then suspected and the leader forgotten, the request is stepped once more, so the
 *       candidate does not have to wait for its retry.</li>
 *   <li><b>A candidate is given time.</b> A retry while the votes for its candidacy are still being
 *       fsynced would abandon a campaign about to win, so a candidate is only re-campaigned once a
 *       live voter refused it or after the back-off; a pre-candidate re-sends its pre-votes at once
 *       (they change nothing durable).</li>
 *   <li><b>The dead leader stays dead.</b> While its node is suspected, a message from it that
 *       arrives late (sent before the crash) does not make it this replica's leader again.</li>
 * </ol>
 */
final class Campaign {

    private final Replica replica;
    private final EventLoop loop;
    private final RuntimeConfig config;
    private final long nodeId;
    private final SplittableRandom random;
    /** The term of this node's log entry at an index (the last one), for comparing logs. */
    private final LongUnaryOperator termAt;

    /** The node whose suspicion started this campaign (-1: none, 0: a bootstrap). */
    private long formerLeader = -1;
    /** Whether {@link #formerLeader}'s node is still suspected. */
    private boolean formerLeaderSuspected;
    private int attempts;
    private long yieldUntilNs = Long.MIN_VALUE;
    private long yieldTo;
    private long votedFor;
    private long votedTerm;
    private long votedAtNs;
    private long candidateTerm;
    private long candidateSinceNs;
    private long refusedTerm;
    private RequestVote swallowed;

    private final TimerWheel.Timer timer = new TimerWheel.Timer() {
        @Override
        protected void onExpire(long nowNs) {
            loop.enqueueCampaign(replica);
        }
    };

    Campaign(Replica replica, EventLoop loop, long nodeId, SplittableRandom random, LongUnaryOperator termAt) {
        this.replica = replica;
        this.loop = loop;
        this.config = loop.config();
        this.nodeId = nodeId;
        this.random = random;
        this.termAt = termAt;
    }

    /** Campaigns after {@code delayNs}, until a leader other than {@code leader} is known. */
    void schedule(long leader, long delayNs) {
        formerLeader = leader;
        formerLeaderSuspected = leader > 0;
        attempts = 0;
        if (yieldTo == leader) {
            yieldUntilNs = Long.MIN_VALUE; // the peer we gave the turn to is the one gone
        }
        loop.wheel().schedule(timer, loop.nowNs() + delayNs);
    }

    boolean isScheduled() {
        return timer.isScheduled();
    }

    void cancel() {
        loop.wheel().cancel(timer);
    }

    /** The node of {@code peer} was heard again: a late message from it may make it our leader again. */
    void onPeerRecovered(long peer) {
        if (formerLeader == peer) {
            formerLeaderSuspected = false;
        }
    }

    /** A leader is known (or none, 0). */
    void onLeader(long leader) {
        if (leader != 0) {
            yieldUntilNs = Long.MIN_VALUE; // whoever had the turn, the election is over
        }
        if (leader != 0 && leader != formerLeader) {
            cancel();
            formerLeaderSuspected = false;
        }
    }

    /**
     * Takes note of a new hard state: whom this replica voted for, and when. (A vote for the leader
     * whose node is now suspected is no reason to wait: that candidate won and is gone.)
     */
    void onHardState(HardState hs, long nowNs) {
        if (hs.vote() != votedFor || hs.term() != votedTerm) {
            votedFor = hs.vote();
            votedTerm = hs.term();
            votedAtNs = nowNs;
        }
    }

    /** A Ready became durable: a candidate's vote requests leave now, and its wait starts. */
    void onPersisted(RaftNode node, long nowNs) {
        if (node.role() == StateRole.CANDIDATE && node.term() != candidateTerm) {
            candidateTerm = node.term();
            candidateSinceNs = nowNs;
        }
    }

    // ================================ inbound ================================

    /**
     * Sees an inbound message before the core: returns false to drop it (a pre-vote grant to a
     * replica that yields). Records priority requests, refusals of our candidacy, and requests the
     * lease is about to swallow.
     */
    boolean admit(Message m, RaftNode node, long nowNs) {
        if (m instanceof RequestVote v) {
            if (v.term() > node.term() && outranks(v, node)) {
                yieldUntilNs = nowNs + config.campaignPatienceNs();
                yieldTo = v.from();
            }
            if (node.getLeader() != 0 && !node.isLeader() && v.term() > node.term()) {
                swallowed = v; // the core's lease will refuse it without an answer
            }
            return true;
        }
        if (m instanceof VoteResponse r) {
            if (r.preVote() && r.granted() && node.role() == StateRole.PRE_CANDIDATE && nowNs < yieldUntilNs) {
                return false; // the peer with priority is campaigning: do not become its rival
            }
            if (!r.preVote() && !r.granted() && node.role() == StateRole.CANDIDATE && r.term() == node.term()) {
                refusedTerm = node.term(); // with one voter gone, one refusal loses the election
                if (nowNs >= yieldUntilNs && isScheduled()) {
                    loop.wheel().schedule(timer, nowNs + jitterNs());
                }
            }
        }
        return true;
    }

    /** Whether the requester's log is more up to date than ours, or as up to date with a lower id. */
    private boolean outranks(RequestVote v, RaftNode node) {
        long last = node.lastIndex();
        long lastTerm = termAt.applyAsLong(last);
        if (v.lastLogTerm() != lastTerm) {
            return v.lastLogTerm() > lastTerm;
        }
        if (v.lastLogIndex() != last) {
            return v.lastLogIndex() > last;
        }
        return v.from() < nodeId;
    }

    /** After the core stepped {@code m}: keeps a suspected leader forgotten. */
    void afterStep(Message m, RaftNode node) {
        if (formerLeaderSuspected && m.from() == formerLeader && node.getLeader() == formerLeader && !node.isLeader()) {
            node.forgetLeader();
        }
    }

    /** The leader was just forgotten: replays a vote request its lease swallowed. Returns it, or null. */
    RequestVote takeSwallowed(RaftNode node, long suspectedPeer) {
        RequestVote v = swallowed;
        swallowed = null;
        if (v == null || v.from() == suspectedPeer || v.term() <= node.term()) {
            return null;
        }
        return v;
    }

    // ================================ campaigning ================================

    /**
     * Admitted by the loop: campaigns if nobody else should be given the turn, else waits (without
     * counting an attempt). Returns whether it campaigned.
     */
    boolean campaignNow(RaftNode node, long nowNs) {
        long leader = node.getLeader();
        if (node.isLeader() || (leader != 0 && leader != formerLeader)) {
            return false;
        }
        long waitUntilNs = Long.MIN_VALUE;
        if (nowNs < yieldUntilNs) {
            waitUntilNs = yieldUntilNs;
        }
        if (votedFor != 0 && votedFor != nodeId && votedFor != formerLeader && votedTerm == node.term()) {
            waitUntilNs = Math.max(waitUntilNs, votedAtNs + config.campaignPatienceNs());
        }
        if (node.role() == StateRole.CANDIDATE && refusedTerm != node.term()) {
            // its own vote is being fsynced (the requests have not left yet), or they are out and the
            // answers may be on their way (the voters fsync their votes first)
            waitUntilNs = Math.max(waitUntilNs, candidateTerm != node.term()
                    ? nowNs + config.campaignRetryNs() / 4 : candidateSinceNs + config.campaignPatienceNs());
        }
        if (nowNs < waitUntilNs) {
            loop.wheel().schedule(timer, waitUntilNs + jitterNs());
            return false;
        }
        node.campaign();
        attempts++;
        if (attempts < config.campaignAttemptsMax()) {
            // Exponential back-off with jitter, capped at one election timeout: a campaign that found
            // no quorum (peers not up yet, or a lost message) tries again, ever more patiently.
            long backoffNs = backoffNs();
            loop.wheel().schedule(timer, nowNs + backoffNs / 2 + random.nextLong(backoffNs / 2 + 1));
        }
        return true;
    }

    private long backoffNs() {
        long capNs = config.electionTimeoutTicks() * config.tickIntervalNs();
        return Math.min(capNs, config.campaignRetryNs() << Math.min(20, Math.max(0, attempts - 1)));
    }

    /** A short seeded jitter (up to one rank delay plus the failover jitter) so waiters do not wake in step. */
    private long jitterNs() {
        return random.nextLong(config.failoverRankDelayNs() + config.failoverJitterNs());
    }

    int attempts() {
        return attempts;
    }
}
