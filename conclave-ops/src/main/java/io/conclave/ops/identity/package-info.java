/**
 * The cluster id a node's data directory belongs to: {@link io.conclave.ops.identity.ClusterIdFile}
 * keeps it in {@code <data.dir>/cluster.id}, written atomically and durably, and reconciles it with
 * the configured {@code cluster.id}. Called by the thread that starts the node, before the runtime
 * opens its storage; touches only that one file and its directory.
 */
package io.conclave.ops.identity;
