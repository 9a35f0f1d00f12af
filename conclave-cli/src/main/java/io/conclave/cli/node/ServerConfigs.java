package io.conclave.cli.node;

import io.conclave.ops.config.ControllerAddress;
import io.conclave.ops.config.HostPort;
import io.conclave.ops.config.NodeConfig;
import io.conclave.server.node.ServerConfig;
import java.util.List;
import java.util.stream.Collectors;

/** A node's {@link ServerConfig} from its validated {@link NodeConfig} (file, environment, flags). */
public final class ServerConfigs {

    private ServerConfigs() {
    }

    public static ServerConfig from(NodeConfig c) {
        List<ServerConfig.ControllerSpec> controllers = c.initialControllers().stream()
                .map(ServerConfigs::spec).collect(Collectors.toList());
        List<String> seeds = c.seeds().stream().map(HostPort::toString).collect(Collectors.toList());
        return new ServerConfig(c.nodeId(), c.listenHost(), c.raftPort(), c.clientPort(),
                c.rack().orElse("rack-" + c.nodeId()), c.dataDir(), c.clusterId().orElse(null), controllers, seeds,
                c.runtimeConfig(), c.transportConfig(), c.clientRequestTimeoutMs()).validate();
    }

    private static ServerConfig.ControllerSpec spec(ControllerAddress a) {
        return new ServerConfig.ControllerSpec(a.nodeId(), a.host(), a.raftPort(), a.clientPort());
    }
}
