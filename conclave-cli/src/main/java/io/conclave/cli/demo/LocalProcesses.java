package io.conclave.cli.demo;

import io.conclave.transport.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A local cluster of Conclave nodes, each a separate JVM ({@code conclave node start}) on loopback,
 * with its data directory and log file under {@code root}. Killing is SIGKILL
 * ({@link Process#destroyForcibly()}); stopping is SIGTERM (the node hands its leaderships off).
 */
public final class LocalProcesses implements AutoCloseable {

    /** One node's ports. */
    public record Ports(int raft, int client, int http) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Path root;
    private final int nodes;
    private final Map<Long, Ports> ports = new TreeMap<>();
    private final Map<Long, Process> running = new TreeMap<>();
    private final List<String> javaOptions;
    private final String logLevel;
    private final List<String> nodeSettings;

    /** What a SIGTERM came to: whether the node exited within the bound, and its exit code (-1 if not). */
    public record Stopped(boolean exited, int exitCode) {
    }

    public LocalProcesses(Path root, int nodes, List<String> javaOptions) {
        this(root, nodes, javaOptions, "WARN");
    }

    /** With the nodes' {@code log.level} (the demo's WARN keeps the logs short; INFO shows hand-offs). */
    public LocalProcesses(Path root, int nodes, List<String> javaOptions, String logLevel) {
        this(root, nodes, javaOptions, logLevel, List.of());
    }

    /**
     * With configuration settings ({@code key=value}, docs/configuration.md) given to every node as
     * {@code --set}: the nodes do not inherit this process's {@code CONCLAVE_*} environment.
     */
    public LocalProcesses(Path root, int nodes, List<String> javaOptions, String logLevel, List<String> nodeSettings) {
        this.root = root;
        this.nodes = nodes;
        this.javaOptions = List.copyOf(javaOptions);
        this.logLevel = logLevel;
        this.nodeSettings = List.copyOf(nodeSettings);
        int[] free = freePorts(3 * nodes);
        for (int i = 0; i < nodes; i++) {
            ports.put(i + 1L, new Ports(free[3 * i], free[3 * i + 1], free[3 * i + 2]));
        }
    }

    /**
     * The class path of the node processes: this JVM's, or {@code conclave.child.classpath} when set
     * (a test runner whose own class path is a launcher jar).
     */
    static String childClassPath() {
        return System.getProperty("conclave.child.classpath", System.getProperty("java.class.path"));
    }

    static int freePort() {
        return freePorts(1)[0];
    }

    /**
     * {@code n} distinct ports free right now, below the ephemeral range ({@link LoopbackPorts}): a port
     * from {@code bind(0)} could be taken by a node's outgoing connection before the node meant to
     * listen on it starts.
     */
    static int[] freePorts(int n) {
        return LoopbackPorts.pick(n);
    }

    public String initialControllers() {
        return ports.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue().raft() + ":"
                + e.getValue().client()).collect(Collectors.joining(","));
    }

    public String clientAddress(long id) {
        return "127.0.0.1:" + ports.get(id).client();
    }

    public List<String> clientAddresses() {
        return ports.keySet().stream().map(this::clientAddress).collect(Collectors.toList());
    }

    public Ports ports(long id) {
        return ports.get(id);
    }

    public Path log(long id) {
        return root.resolve("node-" + id + ".log");
    }

    public static String rackOf(long id) {
        return String.valueOf((char) ('a' + (id - 1) % 26));
    }

    /** Starts node {@code id} (again, on the same data directory, after a kill). */
    public synchronized void start(long id) {
        if (running.containsKey(id) && running.get(id).isAlive()) {
            throw new IllegalStateException("node " + id + " is running");
        }
        ProcessBuilder pb = new ProcessBuilder(command(id)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("CONCLAVE_"));
        try {
            running.put(id, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id + ": " + e.getMessage(), e);
        }
    }

    /** The command line of node {@code id}: this JVM's java, the JVM options, then {@code node start}. */
    List<String> command(long id) {
        Ports p = ports.get(id);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOptions);
        cmd.add("-cp");
        cmd.add(childClassPath());
        cmd.add("io.conclave.cli.Main");
        cmd.addAll(List.of("node", "start", "--node-id", Long.toString(id), "--data-dir",
                root.resolve("node-" + id).toString(), "--rack", rackOf(id), "--host", "127.0.0.1",
                "--raft-port", Integer.toString(p.raft()), "--client-port", Integer.toString(p.client()),
                "--http-port", Integer.toString(p.http()), "--initial-controllers", initialControllers(),
                "--set", "log.level=" + logLevel));
        for (String setting : nodeSettings) {
            cmd.addAll(List.of("--set", setting));
        }
        return cmd;
    }

    /** SIGKILL: the node gets no chance to do anything. */
    public synchronized void kill(long id) {
        Process p = running.remove(id);
        if (p != null) {
            p.destroyForcibly();
            awaitExit(p, 10);
        }
    }

    /** SIGTERM: the node hands off its leaderships, then stops (SIGKILL if it has not after 20 s). */
    public synchronized void stop(long id) {
        if (!terminate(id, 20).exited()) {
            kill(id);
        }
    }

    /**
     * SIGTERM and a wait of at most {@code seconds} for the process to exit; a node still running
     * then stays running (and known) so that the caller can report it or {@link #kill} it.
     */
    public synchronized Stopped terminate(long id, int seconds) {
        Process p = running.get(id);
        if (p == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        p.destroy();
        if (!awaitExit(p, seconds)) {
            return new Stopped(false, -1);
        }
        running.remove(id);
        return new Stopped(true, p.exitValue());
    }

    /** True when node {@code id} answers 200 on {@code /health/ready} (registered and serving). */
    public boolean isReady(long id) {
        HttpRequest req = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ports.get(id).http() + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notUp) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The largest, over the running nodes, of a counter or gauge their {@code /metrics} endpoint
     * exports (each node's samples of that name summed, whatever their labels); -1 when a node does not
     * answer. The largest, not the sum: every node counts what it sees, and a leader change of a group
     * is seen by each of its replicas.
     */
    public double metricMax(String name) {
        double max = 0;
        for (long id : ports.keySet()) {
            if (!isRunning(id)) {
                continue;
            }
            HttpRequest req = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ports.get(id).http() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            try {
                HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return -1;
                }
                max = Math.max(max, sampleSum(r.body(), name));
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return max;
    }

    /** The sum of the samples named {@code name} in a Prometheus text exposition. */
    static double sampleSum(String exposition, String name) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name) && line.length() > name.length()
                    && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{')) {
                String value = line.substring(line.lastIndexOf(' ') + 1);
                try {
                    sum += Double.parseDouble(value);
                } catch (NumberFormatException ignored) {
                    // not a sample line of this name
                }
            }
        }
        return sum;
    }

    public synchronized boolean isRunning(long id) {
        Process p = running.get(id);
        return p != null && p.isAlive();
    }

    /** The last lines of a node's log (for error messages). */
    public String tail(long id, int lines) {
        try {
            List<String> all = Files.readAllLines(log(id));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static boolean awaitExit(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * CPU time used so far by the running nodes' processes, all threads, in nanoseconds; -1 when the
     * platform does not report it.
     */
    public synchronized long cpuNanos() {
        long sum = 0;
        for (Process p : running.values()) {
            java.util.Optional<Duration> d = p.info().totalCpuDuration();
            if (d.isEmpty()) {
                return -1;
            }
            sum += d.get().toNanos();
        }
        return sum;
    }

    public int size() {
        return nodes;
    }

    /** Stops every node (SIGTERM, then SIGKILL after a bound). */
    @Override
    public synchronized void close() {
        for (Process p : running.values()) {
            p.destroy();
        }
        for (Process p : running.values()) {
            if (!awaitExit(p, 15)) {
                p.destroyForcibly();
                awaitExit(p, 5);
            }
        }
        running.clear();
    }

    /** Deletes {@code dir} and everything under it. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
