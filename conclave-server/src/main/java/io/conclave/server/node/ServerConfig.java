package io.conclave.server.node;

import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.transport.TransportConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a {@link ConclaveNode} needs to start. Built by the CLI from the node's configuration
 * file and flags, or by tests directly.
 *
 * @param clusterId the cluster to form or join; null: derived from the initial controllers when
 *        bootstrapping, learned from a seed when joining, read from the data directory on restart
 * @param initialControllers the controller group's genesis voters (empty when joining through seeds)
 * @param seeds host:clientPort of nodes to join through when this node is not an initial controller
 * @param requestTimeoutMs the bound on any client request inside the node
 */
public record ServerConfig(long nodeId, String host, int raftPort, int clientPort, String rack, Path dataDir,
                           String clusterId, List<ControllerSpec> initialControllers, List<String> seeds,
                           RuntimeConfig runtime, TransportConfig transport, long requestTimeoutMs) {

    /** One initial controller voter: its id and where it listens. */
    public record ControllerSpec(long nodeId, String host, int raftPort, int clientPort) {

        /** Parses {@code id@host:raftPort:clientPort}. */
        public static ControllerSpec parse(String spec) {
            String[] at = spec.trim().split("@", 2);
            String[] parts = at.length == 2 ? at[1].split(":") : new String[0];
            if (at.length != 2 || parts.length != 3) {
                throw new IllegalArgumentException("controller '" + spec + "' must be id@host:raftPort:clientPort");
            }
            try {
                return new ControllerSpec(Long.parseLong(at[0]), parts[0], Integer.parseInt(parts[1]),
                        Integer.parseInt(parts[2]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("controller '" + spec + "' has a bad number: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return nodeId + "@" + host + ":" + raftPort + ":" + clientPort;
        }
    }

    public ServerConfig {
        initialControllers = List.copyOf(initialControllers);
        seeds = List.copyOf(seeds);
    }

    /** Whether this node is one of the controller group's genesis voters. */
    public boolean isInitialController() {
        return initialControllers.stream().anyMatch(c -> c.nodeId() == nodeId);
    }

    public ServerConfig validate() {
        List<String> errors = new ArrayList<>();
        if (nodeId <= 0) {
            errors.add("node.id must be > 0, was " + nodeId);
        }
        if (host == null || host.isBlank()) {
            errors.add("listen.host must not be empty");
        }
        checkPort(errors, "raft.port", raftPort);
        checkPort(errors, "client.port", clientPort);
        if (raftPort != 0 && raftPort == clientPort) {
            errors.add("raft.port and client.port must differ, both are " + raftPort);
        }
        if (rack == null || rack.isBlank()) {
            errors.add("rack must not be empty");
        }
        if (dataDir == null) {
            errors.add("data.dir must be set");
        }
        if (initialControllers.isEmpty() && seeds.isEmpty()) {
            errors.add("either initial.controllers (to form a cluster) or seeds (to join one) must be set");
        }
        Set<Long> ids = new HashSet<>();
        for (ControllerSpec c : initialControllers) {
            if (c.nodeId() <= 0 || !ids.add(c.nodeId())) {
                errors.add("initial.controllers has a bad or repeated id: " + c);
            }
        }
        if (initialControllers.size() % 2 == 0 && !initialControllers.isEmpty()) {
            errors.add("initial.controllers should be an odd number of voters (1, 3 or 5), was "
                    + initialControllers.size());
        }
        if (requestTimeoutMs <= 0) {
            errors.add("client.request.timeout.ms must be > 0");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid node configuration: " + String.join("; ", errors));
        }
        return this;
    }

    private static void checkPort(List<String> errors, String key, int port) {
        if (port < 0 || port > 65535) {
            errors.add(key + " must be in 0..65535, was " + port);
        }
    }
}
