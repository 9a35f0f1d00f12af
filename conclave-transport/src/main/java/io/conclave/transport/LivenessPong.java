package io.conclave.transport;

/** The answer to a {@link LivenessPing}: the responder's identity, the ping's send time and sequence echoed. */
public record LivenessPong(long nodeId, long incarnation, long sendTimeNs, long sequence) implements Liveness {

    /** The pong that {@code responder} (at {@code incarnation}) sends back for {@code ping}. */
    public static LivenessPong answer(long responder, long incarnation, LivenessPing ping) {
        return new LivenessPong(responder, incarnation, ping.sendTimeNs(), ping.sequence());
    }
}
