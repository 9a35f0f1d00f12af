package io.conclave.transport;

/** "Are you there?" from {@code nodeId} at its {@code sendTimeNs}, numbered {@code sequence}. */
public record LivenessPing(long nodeId, long incarnation, long sendTimeNs, long sequence) implements Liveness {
}
