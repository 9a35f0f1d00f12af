package io.conclave.cli.node;

import io.conclave.cli.Main;
import io.conclave.multiraft.time.SystemClock;
import io.conclave.ops.NodeOps;
import io.conclave.ops.config.ConfigException;
import io.conclave.ops.config.NodeConfig;
import io.conclave.ops.http.Readiness;
import io.conclave.server.node.ConclaveNode;
import io.conclave.server.node.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conclave node start}: runs one node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Runs a Conclave node.",
        subcommands = {NodeCommand.Start.class})
public final class NodeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = {
            "Starts a node in the foreground. Configuration: a properties file (--config, or $CONCLAVE_CONFIG),",
            "environment variables CONCLAVE_<KEY> (node.id -> CONCLAVE_NODE_ID), and flags; flags win, then",
            "the environment, then the file, then defaults. Every key: docs/configuration.md.",
            "Form a cluster: give the same --initial-controllers to 3 (or 5) nodes.",
            "Join one: give --seeds host:clientPort of any running node and an empty --data-dir.",
            "SIGTERM or Ctrl-C: leadership is handed to other nodes first, then the node stops.",
            "Exit codes: 0 or 143 stopped as asked; 1 failed to start; 2 invalid configuration;",
            "70 fail-stop (a node thread died of an error; restart it: it recovers from its disk)."})
    public static final class Start implements Callable<Integer> {

        @Option(names = {"-c", "--config"}, description = "properties file")
        Path config;

        @Option(names = "--set", description = "any key=value (repeatable), e.g. --set raft.election.ticks=20")
        Map<String, String> sets = new LinkedHashMap<>();

        @Option(names = "--node-id", description = "node.id")
        Long nodeId;

        @Option(names = "--data-dir", description = "data.dir")
        String dataDir;

        @Option(names = "--rack", description = "rack")
        String rack;

        @Option(names = "--host", description = "listen.host")
        String host;

        @Option(names = "--raft-port", description = "raft.port")
        Integer raftPort;

        @Option(names = "--client-port", description = "client.port")
        Integer clientPort;

        @Option(names = "--http-port", description = "http.port (-1: off)")
        Integer httpPort;

        @Option(names = "--seeds", description = "seeds: host:clientPort,...")
        String seeds;

        @Option(names = "--initial-controllers", description = "initial.controllers: id@host:raftPort:clientPort,...")
        String initialControllers;

        @Option(names = "--cluster-id", description = "cluster.id")
        String clusterId;

        Map<String, String> flags() {
            Map<String, String> f = new LinkedHashMap<>(sets);
            put(f, "node.id", nodeId);
            put(f, "data.dir", dataDir);
            put(f, "rack", rack);
            put(f, "listen.host", host);
            put(f, "raft.port", raftPort);
            put(f, "client.port", clientPort);
            put(f, "http.port", httpPort);
            put(f, "seeds", seeds);
            put(f, "initial.controllers", initialControllers);
            put(f, "cluster.id", clusterId);
            return f;
        }

        private static void put(Map<String, String> f, String key, Object v) {
            if (v != null) {
                f.put(key, v.toString());
            }
        }

        /**
         * Netty's buffer leak detector (gRPC's shaded copy): by default it tracks one buffer in 128 and
         * records where it was allocated, on the transport's hot path (seen in a CPU profile of a node
         * under the data bench). A node turns it off unless {@code -D} on the command line says otherwise.
         */
        static final String NETTY_LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

        @Override
        public Integer call() throws Exception {
            if (System.getProperty(NETTY_LEAK_DETECTION) == null) {
                System.setProperty(NETTY_LEAK_DETECTION, "disabled");
            }
            Path file = config;
            if (file == null && System.getenv(NodeConfig.CONFIG_FILE_ENV) != null) {
                file = Path.of(System.getenv(NodeConfig.CONFIG_FILE_ENV));
            }
            NodeConfig cfg;
            ServerConfig server;
            try {
                cfg = NodeConfig.load(file, System.getenv(), flags());
                server = ServerConfigs.from(cfg);
            } catch (ConfigException | IllegalArgumentException e) {
                Main.err().println("conclave node start: invalid configuration:");
                Main.err().println("  " + e.getMessage().replace("\n", "\n  "));
                return 2;
            }
            FailStop.install();
            NodeOps ops = NodeOps.create(cfg, SystemClock.INSTANCE);
            ConclaveNode node;
            try {
                node = new ConclaveNode(server, ops::observe).start();
            } catch (RuntimeException | java.io.IOException e) {
                ops.close();
                Main.err().println("conclave node start: node " + server.nodeId() + " failed to start: " + e.getMessage());
                return 1;
            }
            ops.start(node.runtime(), () -> node.isReady() ? Readiness.yes() : Readiness.notReady(node.notReadyReason()));
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                node.close();
                ops.close();
                stopped.countDown();
            }, "conclave-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            Main.out().printf("node %d started: raft %s:%d, clients %s:%d%s, cluster %s%n", server.nodeId(),
                    server.host(), node.raftPort(), server.host(), node.clientPort(),
                    ops.httpPort().isPresent() ? ", http " + server.host() + ":" + ops.httpPort().getAsInt() : "",
                    node.clusterId());
            while (!node.isReady() && stopped.getCount() > 0) {
                stopped.await(50, TimeUnit.MILLISECONDS);
            }
            if (node.isReady()) {
                Main.out().printf("node %d ready%n", server.nodeId());
            }
            stopped.await();
            return 0;
        }
    }
}
