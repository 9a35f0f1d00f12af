package io.conclave.multiraft.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as separate JVM processes over gRPC on 127.0.0.1, each on its own real data directory;
 * the leader's process is killed with SIGKILL (no close, no flush beyond what was fsynced), a new
 * leader must emerge among the survivors with every acknowledged entry, and the killed node,
 * restarted on its data directory, must catch up.
 */
class ProcessCrashTest {

    private static final Duration ANSWER = Duration.ofSeconds(20);
    private static final long GROUP = 7;

    @TempDir
    Path dir;
    private final Map<Long, NodeProcess> nodes = new HashMap<>();
    private final Map<Long, Integer> ports = new HashMap<>();
    /** Values whose proposal failed: they may or may not have committed. */
    private final java.util.Set<String> unknownOutcome = new java.util.HashSet<>();

    @AfterEach
    void killAll() {
        nodes.values().forEach(NodeProcess::close);
    }

    @Test
    void killingTheLeaderProcessLosesNoAcknowledgedEntryAndTheRestartedNodeCatchesUp() {
        choosePorts();
        for (long id = 1; id <= 3; id++) {
            launch(id);
        }
        for (NodeProcess n : nodes.values()) {
            assertThat(n.ask("create " + GROUP, ANSWER)).isEqualTo("CREATED " + GROUP);
        }
        List<String> acked = new ArrayList<>();
        long leader = awaitLeader(List.of(1L, 2L, 3L));
        proposeAll(leader, "before", 20, acked);

        nodes.get(leader).kill();
        List<Long> survivors = new ArrayList<>(List.of(1L, 2L, 3L));
        survivors.remove(leader);
        long newLeader = awaitLeader(survivors);
        assertThat(newLeader).isNotEqualTo(leader);
        proposeAll(newLeader, "after", 20, acked);
        for (long s : survivors) {
            awaitValues(s, acked);
        }

        launch(leader); // same data directory, same port: the node recovers its log and catches up
        awaitValues(leader, acked);
        proposeAll(awaitLeader(List.of(1L, 2L, 3L)), "rejoined", 5, acked);
        for (long id = 1; id <= 3; id++) {
            awaitValues(id, acked);
        }
        List<String> first = List.of(nodes.get(1L).ask("values " + GROUP, ANSWER).split(" ", 3)[2].split(","));
        for (long id = 2; id <= 3; id++) {
            assertThat(nodes.get(id).ask("values " + GROUP, ANSWER).split(" ", 3)[2].split(","))
                    .as("node %d applied the same log as node 1", id).containsExactlyElementsOf(first);
        }
    }

    private void choosePorts() {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (long id = 1; id <= 3; id++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
                ports.put(id, s.getLocalPort());
            }
            for (ServerSocket s : held) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch(long id) {
        List<String> peers = new ArrayList<>();
        for (long p = 1; p <= 3; p++) {
            if (p != id) {
                peers.add(p + "=" + ports.get(p));
            }
        }
        NodeProcess n = NodeProcess.start(id, dir.resolve("n" + id), dir, ports.get(id), peers);
        nodes.put(id, n);
        assertThat(n.next(Duration.ofSeconds(30))).isEqualTo("READY");
    }

    /** The node among {@code candidates} that reports itself leader, waiting (bounded) for one. */
    private long awaitLeader(List<Long> candidates) {
        long[] found = {0};
        Await.until(Duration.ofSeconds(30), () -> {
            for (long id : candidates) {
                String[] s = nodes.get(id).ask("status " + GROUP, ANSWER).split(" ");
                if (s[2].equals("LEADER")) {
                    found[0] = id;
                    return true;
                }
            }
            return false;
        }, () -> "a leader among " + candidates);
        return found[0];
    }

    /**
     * Proposes {@code count} values through the leader, each acknowledged (applied there) before the
     * next. A proposal that fails (leadership moved meanwhile) may or may not commit: it is noted as
     * such and the value is proposed again under a new name, so no value is ever written twice.
     */
    private void proposeAll(long leader, String prefix, int count, List<String> acked) {
        long via = leader;
        for (int i = 0; i < count; i++) {
            for (int attempt = 0; ; attempt++) {
                assertThat(attempt).as("attempts at value %d", i).isLessThan(5);
                String v = prefix + "-" + i + "." + attempt;
                String answer = nodes.get(via).ask("propose " + GROUP + " " + v, ANSWER);
                if (answer.startsWith("OK " + v + " ")) {
                    acked.add(v);
                    break;
                }
                assertThat(answer).as("proposal %s through node %d", v, via).startsWith("ERR " + v + " ");
                unknownOutcome.add(v);
                via = awaitLeader(nodes.keySet().stream().filter(id -> nodes.get(id).isAlive()).sorted().toList());
            }
        }
    }

    /**
     * Waits until node {@code id} has applied every acknowledged value, in order, each once, and
     * nothing that was never proposed.
     */
    private void awaitValues(long id, List<String> acked) {
        String[] last = {""};
        Await.until(Duration.ofSeconds(30), () -> {
            String l = nodes.get(id).ask("values " + GROUP, ANSWER);
            last[0] = l;
            String[] parts = l.split(" ", 3);
            List<String> values = parts.length < 3 ? List.of() : Arrays.asList(parts[2].split(","));
            List<String> ackedSeen = values.stream().filter(acked::contains).toList();
            boolean onlyProposed = values.stream().allMatch(v -> acked.contains(v) || unknownOutcome.contains(v));
            return ackedSeen.equals(acked) && onlyProposed && values.stream().distinct().count() == values.size();
        }, () -> "node " + id + " applied every acknowledged entry once, in order; it has: " + last[0]);
    }
}
