package io.conclave.cli.admin;

import io.conclave.api.proto.ClusterStatusResponse;
import io.conclave.api.proto.NodeStatus;
import io.conclave.cli.Json;
import io.conclave.cli.Main;
import io.conclave.client.ConclaveClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code conclave cluster status}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Looks at a running cluster.",
        subcommands = {ClusterCommand.Status.class})
public final class ClusterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {
            "Nodes (racks, health as the answering node sees it), the controller leader, and partition and",
            "leader counts per node."})
    static final class Status implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (ConclaveClient c = client.connect()) {
                ClusterStatusResponse st = c.admin().clusterStatus();
                if (client.json()) {
                    List<Object> nodes = new ArrayList<>();
                    for (NodeStatus n : st.getNodesList()) {
                        nodes.add(Json.map("node", Json.node(n.getNode()), "alive", n.getAlive(),
                                "replicas", n.getReplicas(), "leaders", n.getLeaders()));
                    }
                    Main.out().println(Json.of(Json.map("clusterId", st.getClusterId(), "controllerLeader",
                            st.getControllerLeader(), "topics", st.getTopics(), "partitions", st.getPartitions(),
                            "nodes", nodes)));
                } else {
                    Main.out().printf("cluster %s: controller leader node %d, %d topics, %d partitions%n",
                            st.getClusterId(), st.getControllerLeader(), st.getTopics(), st.getPartitions());
                    Main.out().printf("%-6s %-22s %-10s %-6s %9s %8s%n", "node", "client address", "rack", "alive",
                            "replicas", "leaders");
                    for (NodeStatus n : st.getNodesList()) {
                        Main.out().printf("%-6d %-22s %-10s %-6s %9d %8d%n", n.getNode().getNodeId(),
                                n.getNode().getHost() + ":" + n.getNode().getClientPort(), n.getNode().getRack(),
                                n.getAlive() ? "yes" : "NO", n.getReplicas(), n.getLeaders());
                    }
                }
                return 0;
            }
        }
    }
}
