package io.conclave.ops.http;

/**
 * Says whether the node is ready for traffic; called on an HTTP thread for every
 * {@code /health/ready} request, so it must be quick and must not block on the runtime.
 */
@FunctionalInterface
public interface ReadinessCheck {

    Readiness check();
}
