package io.conclave.multiraft.liveness;

/** Told of liveness changes, on the thread that owns the {@link LivenessMonitor}. Must not block. */
public interface LivenessListener {

    void onSuspected(long peer, long nowNs);

    void onRecovered(long peer, long nowNs);
}
