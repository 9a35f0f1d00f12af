package io.conclave.cli.admin;

import io.conclave.api.proto.PartitionMetadata;
import io.conclave.api.proto.TopicMetadata;
import io.conclave.cli.Json;
import io.conclave.cli.Main;
import io.conclave.client.ConclaveClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conclave topic create|delete|list|describe}. */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Creates, deletes, lists and describes topics.",
        subcommands = {TopicCommand.Create.class, TopicCommand.Delete.class, TopicCommand.ListTopics.class,
                TopicCommand.Describe.class})
public final class TopicCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void print(ClientOptions client, TopicMetadata t) {
        if (client.json()) {
            Main.out().println(Json.of(Json.topic(t)));
            return;
        }
        Main.out().printf("topic %s (id %d): %d partitions, replication factor %d, config %s%n", t.getName(),
                t.getTopicId(), t.getPartitionsCount(), t.getReplicationFactor(), new java.util.TreeMap<>(t.getConfigMap()));
        for (PartitionMetadata p : t.getPartitionsList()) {
            Main.out().printf("  partition %-4d leader %-4s replicas %-12s %s epoch %d%n", p.getPartition(),
                    p.getLeader() == 0 ? "?" : Long.toString(p.getLeader()), p.getReplicasList(), p.getState(),
                    p.getEpoch());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a topic.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "topic name: 1-249 of [a-zA-Z0-9._-]")
        String name;

        @Option(names = {"-p", "--partitions"}, description = "partitions (default: ${DEFAULT-VALUE})", defaultValue = "6")
        int partitions;

        @Option(names = {"-r", "--replication-factor"}, description = "replicas per partition (default: ${DEFAULT-VALUE})",
                defaultValue = "3")
        int replicationFactor;

        @Option(names = "--config", description = "topic config key=value: retention.ms, retention.bytes, max.message.bytes")
        Map<String, String> config = new LinkedHashMap<>();

        @Override
        public Integer call() {
            try (ConclaveClient c = client.connect()) {
                print(client, c.admin().createTopic(name, partitions, replicationFactor, config));
                return 0;
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a topic and its records.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "topic name")
        String name;

        @Override
        public Integer call() {
            try (ConclaveClient c = client.connect()) {
                c.admin().deleteTopic(name);
                Main.out().println(client.json() ? Json.of(Json.map("deleted", name)) : "deleted topic " + name);
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the topics.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (ConclaveClient c = client.connect()) {
                List<String> names = c.admin().listTopics();
                if (client.json()) {
                    Main.out().println(Json.of(Json.map("topics", names)));
                } else {
                    names.forEach(Main.out()::println);
                }
                return 0;
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Partitions, leaders, replicas, config.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", description = "topic name")
        String name;

        @Override
        public Integer call() {
            try (ConclaveClient c = client.connect()) {
                print(client, c.admin().describeTopic(name));
                return 0;
            }
        }
    }
}
