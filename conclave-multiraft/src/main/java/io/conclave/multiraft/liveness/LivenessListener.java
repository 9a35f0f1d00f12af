package io.conclave.multiraft.liveness;

/** Told of liveness changes, on the thread that owns the {@link LivenessMonitor}. Must not block. */
public interface LivenessListener {

    /** {@code silence}: the silence so far (its send gap is that of the last two pings heard). */
    void onSuspected(long peer, long nowNs, PeerSilence silence);

    /** {@code silence}: the silence that ended, measured on the pings that ended it. */
    void onRecovered(long peer, long nowNs, PeerSilence silence);
}
