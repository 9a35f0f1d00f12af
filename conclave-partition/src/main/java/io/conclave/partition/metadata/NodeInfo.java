package io.conclave.partition.metadata;

/** A registered node as the image shows it. */
public record NodeInfo(long nodeId, long incarnation, String host, int port, String rack) {
}
