/**
 * The controller group's metadata log on a node: applies metadata entries to the cluster image,
 * snapshots it and publishes each new image to the node's reconciler. Written by the controller
 * group's applier thread only.
 */
package io.conclave.server.metadata;
