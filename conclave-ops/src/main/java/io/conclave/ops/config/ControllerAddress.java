package io.conclave.ops.config;

/**
 * One bootstrap voter of the controller group, as in {@code initial.controllers}:
 * {@code id@host:raftPort:clientPort}.
 *
 * @param nodeId the voter's node id (> 0)
 * @param host its host name or address
 * @param raftPort its node-to-node port
 * @param clientPort its client API port
 */
public record ControllerAddress(long nodeId, String host, int raftPort, int clientPort) {

    public ControllerAddress {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node id must be > 0: " + nodeId);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be set");
        }
        if (raftPort < 1 || raftPort > 65_535 || clientPort < 1 || clientPort > 65_535) {
            throw new IllegalArgumentException("ports must be 1 to 65535: " + raftPort + ", " + clientPort);
        }
    }

    @Override
    public String toString() {
        return nodeId + "@" + host + ":" + raftPort + ":" + clientPort;
    }
}
