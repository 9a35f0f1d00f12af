package io.conclave.cli.admin;

import io.conclave.api.proto.ConsistencyLevel;
import io.conclave.api.proto.TopicMetadata;
import io.conclave.cli.Json;
import io.conclave.cli.Main;
import io.conclave.client.ConclaveClient;
import io.conclave.client.Consumer;
import io.conclave.client.ConsumerConfig;
import io.conclave.client.ConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conclave consume}: records to stdout, one per line. */
@Command(name = "consume", mixinStandardHelpOptions = true, description = {
        "Reads records of a topic to stdout, one value per line (with --json: one object per record).",
        "Starts at the beginning of each partition, or at --offset; stops after --max records or once",
        "nothing new arrived for --idle-ms."})
public final class ConsumeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", description = "topic")
    String topic;

    @Option(names = "--partition", split = ",", description = "partitions to read (default: all)")
    int[] partitions;

    @Option(names = "--offset", description = "start offset in every partition read (default: 0)", defaultValue = "0")
    long offset;

    @Option(names = "--max", description = "stop after this many records")
    Long max;

    @Option(names = "--idle-ms", description = "stop once nothing arrived for this long (default: ${DEFAULT-VALUE})",
            defaultValue = "2000")
    long idleMs;

    @Option(names = "--consistency", description = "EVENTUAL, STRONG or LINEARIZABLE (default: ${DEFAULT-VALUE})",
            defaultValue = "STRONG")
    ConsistencyLevel consistency;

    @Override
    public Integer call() {
        if (offset < 0 || idleMs < 1 || (max != null && max < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--offset >= 0, --idle-ms >= 1, --max >= 1");
        }
        try (ConclaveClient c = client.connect();
             Consumer consumer = c.consumer(ConsumerConfig.defaults().withConsistency(consistency))) {
            int[] ps = partitions;
            if (ps == null) {
                TopicMetadata t = c.admin().describeTopic(topic);
                ps = t.getPartitionsList().stream().mapToInt(p -> p.getPartition()).toArray();
            }
            consumer.assign(topic, ps);
            for (int p : ps) {
                consumer.seek(topic, p, offset);
            }
            long read = 0;
            long lastNs = System.nanoTime();
            while (max == null || read < max) {
                List<ConsumerRecord> got = consumer.poll(Duration.ofMillis(Math.min(idleMs, 500)));
                for (ConsumerRecord r : got) {
                    print(r);
                    read++;
                    if (max != null && read >= max) {
                        break;
                    }
                }
                if (!got.isEmpty()) {
                    lastNs = System.nanoTime();
                } else if (System.nanoTime() - lastNs > idleMs * 1_000_000L) {
                    break;
                }
            }
            return 0;
        }
    }

    private void print(ConsumerRecord r) {
        String value = new String(r.value(), StandardCharsets.UTF_8);
        if (client.json()) {
            Main.out().println(Json.of(Json.map("partition", r.partition(), "offset", r.offset(),
                    "key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), "value", value,
                    "timestampMs", r.timestampMs())));
        } else {
            Main.out().println(value);
        }
    }
}
