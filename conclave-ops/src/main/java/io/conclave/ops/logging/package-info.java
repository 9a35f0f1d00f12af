/**
 * Logging of a node: SLF4J over Logback (the {@code System.Logger} calls of the transport and the
 * runtime reach it through {@code slf4j-jdk-platform-logging}), the root level from
 * {@code log.level} ({@link io.conclave.ops.logging.LogLevels}), and
 * {@link io.conclave.ops.logging.ClusterEventLog}: one line per cluster event (leader elected or
 * moved, term change, peer suspected, recovered, unreachable), written from the census thread or
 * the liveness owner's thread, never blocking them beyond a log call.
 */
package io.conclave.ops.logging;
