package io.conclave.multiraft.liveness;

import io.conclave.multiraft.loop.BoundedMpscQueue;
import io.conclave.transport.LivenessPing;
import io.conclave.transport.Transport;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Node-level liveness of one node: pings every known peer each {@code pingIntervalNs} on the
 * transport's priority lane (a {@link LivenessPing} carrying the sender's incarnation) and runs a phi-accrual detector per peer. {@link #recordPing} may be called from any
 * thread (it only enqueues the arrival with its time); {@link #onTimer} runs on the owning loop.
 */
public final class LivenessMonitor {

    private record Arrival(long from, long incarnation, long sendNs, long arrivalNs) {
    }

    private static final class Peer {
        PhiAccrualDetector detector;
        long incarnation;
        boolean suspected;
        /** The last ping heard: its send time (the sender's clock) and arrival (this node's). */
        long lastSendNs;
        long lastArrivalNs;
        /** The longest gap between arrivals since the last evaluation, and its send gap. */
        long arrivalGapMaxNs;
        long sendGapOfMaxNs;
        long sendGapLastNs;
    }

    private final long nodeId;
    private final long incarnation;
    private final LivenessConfig config;
    private final Transport transport;
    private final Supplier<Set<Long>> knownPeers;
    private final LivenessListener listener;
    private final BoundedMpscQueue<Arrival> arrivals;
    private final Map<Long, Peer> peers = new HashMap<>();
    private long round;
    private long lastTimerNs = Long.MIN_VALUE;
    private volatile long evaluationsSkipped;
    private volatile long suspicions;
    private volatile long recoveries;
    private volatile long peerRestarts;
    private volatile long pingsSent;
    private volatile long pingsReceived;

    public LivenessMonitor(long nodeId, long incarnation, LivenessConfig config, Transport transport,
                           Supplier<Set<Long>> knownPeers, LivenessListener listener) {
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.config = config.validate();
        this.transport = transport;
        this.knownPeers = knownPeers;
        this.listener = listener;
        this.arrivals = new BoundedMpscQueue<>(config.arrivalQueueCapacity());
    }

    /**
     * A ping from {@code from}, sent at {@code sendNs} on its clock, arrived at {@code arrivalNs} on
     * this node's. Any thread.
     */
    public void recordPing(long from, long peerIncarnation, long sendNs, long arrivalNs) {
        arrivals.offer(new Arrival(from, peerIncarnation, sendNs, arrivalNs));
    }

    /**
     * Takes in arrivals, evaluates every detector, then pings every peer. Owning loop only.
     *
     * <p>When this timer itself comes late by more than the acceptable pause (this node was stalled: a
     * GC pause, a loop busy with a long step, a starved CPU), the detectors are not judged this round:
     * peers' pings sent during the stall may not have been read yet, and this node's own pings were
     * not sent, so the silence says more about this node than about its peers. The next round, on
     * time, judges them (a peer that is really gone is suspected one interval later).
     */
    public void onTimer(long nowNs) {
        drainArrivals();
        boolean stalled = lastTimerNs != Long.MIN_VALUE
                && nowNs - lastTimerNs > config.pingIntervalNs() + config.acceptablePauseNs();
        lastTimerNs = nowNs;
        if (stalled) {
            evaluationsSkipped++;
        } else {
            evaluate(nowNs);
        }
        round++;
        int sent = 0;
        for (long peer : knownPeers.get()) {
            if (peer != nodeId) {
                if (transport.sendLiveness(peer, new LivenessPing(nodeId, incarnation, nowNs, round))) {
                    sent++;
                }
            }
        }
        pingsSent += sent;
    }

    private void drainArrivals() {
        Arrival a;
        long received = 0;
        while ((a = arrivals.poll()) != null) {
            received++;
            Peer p = peers.computeIfAbsent(a.from(), k -> new Peer());
            if (p.detector == null || a.incarnation() != p.incarnation) {
                if (p.detector != null && a.incarnation() > p.incarnation) {
                    peerRestarts++;
                    restarted(a.from(), a.arrivalNs(), p);
                }
                if (p.detector != null && a.incarnation() < p.incarnation) {
                    continue; // a late ping from a previous life
                }
                p.detector = PhiAccrualDetector.of(config);
                p.incarnation = a.incarnation();
                p.lastArrivalNs = a.arrivalNs();
                p.lastSendNs = a.sendNs();
            }
            p.detector.heartbeat(a.arrivalNs());
            noteGaps(p, a);
        }
        pingsReceived += received;
    }

    private static void noteGaps(Peer p, Arrival a) {
        long arrivalGap = a.arrivalNs() - p.lastArrivalNs;
        long sendGap = a.sendNs() - p.lastSendNs;
        if (arrivalGap > p.arrivalGapMaxNs) {
            p.arrivalGapMaxNs = arrivalGap;
            p.sendGapOfMaxNs = sendGap;
        }
        p.sendGapLastNs = sendGap;
        p.lastArrivalNs = Math.max(p.lastArrivalNs, a.arrivalNs());
        p.lastSendNs = a.sendNs();
    }

    /**
     * A peer came back with a new incarnation: its previous life is over, whether or not its silence
     * was long enough to suspect it (a fast restart may beat the detector). Its groups' followers must
     * not wait for an election timeout (or forever, in a quiesced group) for a leader that forgot it
     * led, so the restart counts as a suspicion, immediately followed by the recovery.
     */
    private void restarted(long peer, long nowNs, Peer p) {
        if (!p.suspected) {
            suspicions++;
            listener.onSuspected(peer, nowNs, PeerSilence.UNKNOWN);
        }
        p.suspected = false;
        recoveries++;
        listener.onRecovered(peer, nowNs, PeerSilence.UNKNOWN);
    }

    /**
     * Two ways to be suspected: the phi detector (tolerant: a stalled but live peer must not lose its
     * groups), or a silence of {@code unreachableSilenceNs} while the transport reports the peer's
     * connection gone (fast: a dead process's sockets are reset; a stalled one's stay connected).
     */
    private void evaluate(long nowNs) {
        Set<Long> unreachable = null;
        for (Map.Entry<Long, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            boolean suspect = p.detector.phi(nowNs) > config.phiThreshold();
            if (!suspect && nowNs - p.detector.lastArrivalNs() > config.unreachableSilenceNs()) {
                if (unreachable == null) {
                    unreachable = transport.stats().unreachablePeers(); // only asked when someone is silent
                }
                suspect = unreachable.contains(e.getKey());
            }
            if (suspect && !p.suspected) {
                p.suspected = true;
                suspicions++;
                listener.onSuspected(e.getKey(), nowNs, new PeerSilence(nowNs - p.lastArrivalNs, p.sendGapLastNs));
            } else if (!suspect && p.suspected) {
                p.suspected = false;
                recoveries++;
                listener.onRecovered(e.getKey(), nowNs, new PeerSilence(p.arrivalGapMaxNs, p.sendGapOfMaxNs));
            }
            p.arrivalGapMaxNs = 0;
            p.sendGapOfMaxNs = 0;
        }
    }

    /** Whether {@code peer} is suspected now (as of the last timer). Owning loop only. */
    public boolean isSuspected(long peer) {
        Peer p = peers.get(peer);
        return p != null && p.suspected;
    }

    public LivenessStats stats() {
        return new LivenessStats(suspicions, recoveries, peerRestarts, pingsSent, pingsReceived, arrivals.refused(),
                evaluationsSkipped);
    }

    public long pingIntervalNs() {
        return config.pingIntervalNs();
    }
}
