package io.conclave.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The benchmark suites of {@code conclave bench}, in the order {@code --suite all} runs them. */
public enum Suite {
    /** Produce through the client library on three node processes (issue 6). */
    DATA("data plane: client library -> 3 node processes, RF 3"),
    /** The pure Raft core: three nodes on one thread, in-memory storage (issue 2). */
    RAFT("Raft core: 3 nodes on one thread, in-memory storage, 1 KiB entries"),
    /** Durable appends on the real disk: the shared WAL against per-group files (issue 4). */
    STORAGE("storage: durable appends on the real disk, shared WAL vs per-group files"),
    /** The Multi-Raft runtime: commit latency and throughput, three runtimes over gRPC in this JVM (issue 5). */
    RUNTIME("Multi-Raft runtime: 3 runtimes over gRPC on 127.0.0.1 in this JVM, fsync on"),
    /** The idle cost of many replicas: CPU and heap (issue 5). */
    IDLE("idle cost: many elected groups left alone, CPU and heap"),
    /** Failover after a node is closed abruptly (issue 5). */
    FAILOVER("failover: the leader node closed abruptly, time until every group it led is led again");

    private final String title;

    Suite(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The names a user may give to {@code --suite}. */
    public static String choices() {
        return Arrays.stream(values()).map(Suite::label).collect(Collectors.joining(", ")) + ", all";
    }

    /**
     * The suites named (each once, in the order given; {@code all} = every suite in declaration order).
     *
     * @throws IllegalArgumentException naming an unknown suite and the choices
     */
    public static List<Suite> parse(List<String> names) {
        Set<Suite> out = new LinkedHashSet<>();
        for (String raw : names) {
            String n = raw.strip().toLowerCase(Locale.ROOT);
            if (n.equals("all")) {
                out.addAll(Arrays.asList(values()));
                continue;
            }
            Suite s = Arrays.stream(values()).filter(v -> v.label().equals(n)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("unknown suite '" + raw + "'; choose from " + choices()));
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no suite named; choose from " + choices());
        }
        return new ArrayList<>(out);
    }
}
