package io.conclave.ops.http;

/**
 * The answer of a {@link ReadinessCheck}.
 *
 * @param ready whether the node should receive traffic
 * @param reason why not (or a short status when ready); returned in the response body
 */
public record Readiness(boolean ready, String reason) {

    public Readiness {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
    }

    public static Readiness yes() {
        return new Readiness(true, "ready");
    }

    public static Readiness notReady(String reason) {
        return new Readiness(false, reason);
    }
}
