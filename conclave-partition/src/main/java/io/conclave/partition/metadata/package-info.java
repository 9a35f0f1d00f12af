/**
 * Cluster metadata: the records of the controller's log, their binary codec, the replayer that alone
 * applies them, and the immutable {@link io.conclave.partition.metadata.ClusterImage} readers share.
 * Pure data; the replayer is called from the thread that applies the controller group's log.
 */
package io.conclave.partition.metadata;
