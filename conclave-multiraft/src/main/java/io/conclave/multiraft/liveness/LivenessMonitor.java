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

    private record Arrival(long from, long incarnation, long arrivalNs) {
    }

    private static final class Peer {
        PhiAccrualDetector detector;
        long incarnation;
        boolean suspected;
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

    /** A ping from {@code from} arrived at {@code arrivalNs}. Any thread. */
    public void recordPing(long from, long peerIncarnation, long arrivalNs) {
        arrivals.offer(new Arrival(from, peerIncarnation, arrivalNs));
    }

    /** Takes in arrivals, evaluates every detector, then pings every peer. Owning loop only. */
    public void onTimer(long nowNs) {
        drainArrivals();
        evaluate(nowNs);
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
                }
                if (p.detector != null && a.incarnation() < p.incarnation) {
                    continue; // a late ping from a previous life
                }
                p.detector = PhiAccrualDetector.of(config);
                p.incarnation = a.incarnation();
            }
            p.detector.heartbeat(a.arrivalNs());
        }
        pingsReceived += received;
    }

    private void evaluate(long nowNs) {
        for (Map.Entry<Long, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            boolean suspect = p.detector.phi(nowNs) > config.phiThreshold();
            if (suspect && !p.suspected) {
                p.suspected = true;
                suspicions++;
                listener.onSuspected(e.getKey(), nowNs);
            } else if (!suspect && p.suspected) {
                p.suspected = false;
                recoveries++;
                listener.onRecovered(e.getKey(), nowNs);
            }
        }
    }

    /** Whether {@code peer} is suspected now (as of the last timer). Owning loop only. */
    public boolean isSuspected(long peer) {
        Peer p = peers.get(peer);
        return p != null && p.suspected;
    }

    public LivenessStats stats() {
        return new LivenessStats(suspicions, recoveries, peerRestarts, pingsSent, pingsReceived, arrivals.refused());
    }

    public long pingIntervalNs() {
        return config.pingIntervalNs();
    }
}
