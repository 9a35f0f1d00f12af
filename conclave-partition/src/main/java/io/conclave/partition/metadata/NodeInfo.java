package io.conclave.partition.metadata;

/** A registered node as the image shows it: where its Raft transport and its client API listen. */
public record NodeInfo(long nodeId, long incarnation, String host, int raftPort, int clientPort, String rack) {
}
