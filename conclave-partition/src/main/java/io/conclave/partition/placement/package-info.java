/**
 * Where replicas go: rack-aware, load-balanced, deterministic placement. Pure functions over
 * {@link io.conclave.partition.metadata.ClusterImage} data; called by controller handlers.
 */
package io.conclave.partition.placement;
