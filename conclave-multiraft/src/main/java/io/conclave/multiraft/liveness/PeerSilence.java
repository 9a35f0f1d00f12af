package io.conclave.multiraft.liveness;

/**
 * Why a peer's pings stopped, as far as this node can tell: the longest gap between two pings'
 * arrivals here ({@code arrivalGapNs}, this node's clock) and the gap between the same two pings'
 * send times ({@code sendGapNs}, the sender's clock; no shared clock needed). A send gap close to
 * the arrival gap says the sender stalled (a pause, a starved process); a short send gap with a long
 * arrival gap says the pings were held on the way (network, this node's transport threads). Both 0
 * when nothing is known (a first ping, a restart).
 */
public record PeerSilence(long arrivalGapNs, long sendGapNs) {

    public static final PeerSilence UNKNOWN = new PeerSilence(0, 0);

    /**
     * Whether the pings were mostly held on the way: sent less than half the silence apart. (Then
     * the peer was not stalled, and a suspicion of it was a false one.)
     */
    public boolean heldOnTheWay() {
        return arrivalGapNs > 0 && sendGapNs < arrivalGapNs / 2;
    }

    /** "silent 182 ms, pings sent 175 ms apart" — for logs. */
    public String describe() {
        return String.format("silent %d ms, pings sent %d ms apart", arrivalGapNs / 1_000_000, sendGapNs / 1_000_000);
    }
}
