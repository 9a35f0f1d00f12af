package io.conclave.multiraft.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NodeProcessMain} in its own JVM (this JVM's {@code java} and class path), spoken to over
 * its stdin and stdout; its stderr goes to a file next to its data. One caller thread; a daemon
 * thread reads the answers into a queue so every wait is bounded.
 */
final class NodeProcess implements AutoCloseable {

    private static final String EOF = "\u0000EOF";

    private final long id;
    private final Process process;
    private final PrintStream in;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private NodeProcess(long id, Process process) {
        this.id = id;
        this.process = process;
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLines, "node-process-" + id + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts node {@code id} on {@code dataDir} listening on {@code port}, with {@code peers} as "id=port". */
    static NodeProcess start(long id, Path dataDir, Path logDir, int port, List<String> peers) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1"); // start fast on two shared cores
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NodeProcessMain.class.getName());
        cmd.add(Long.toString(id));
        cmd.add(dataDir.toString());
        cmd.add(Integer.toString(port));
        cmd.addAll(peers);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve("n" + id + ".stderr").toFile()))
                    .start();
            return new NodeProcess(id, p);
        } catch (IOException e) {
            throw new UncheckedIOException("starting node " + id, e);
        }
    }

    private void readLines() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                lines.add(l);
            }
        } catch (IOException e) {
            // the process died: the end marker below tells the waiting caller
        }
        lines.add(EOF);
    }

    long id() {
        return id;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The next line the node prints, within {@code bound}; fails if the node exits or stays silent. */
    String next(Duration bound) {
        try {
            String l = lines.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (l == null) {
                throw new AssertionError("node " + id + " said nothing within " + bound.toMillis() + " ms");
            }
            if (l.equals(EOF)) {
                lines.add(EOF);
                throw new AssertionError("node " + id + " exited (code " + exitCode() + ")");
            }
            return l;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String exitCode() {
        return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
    }

    /** Sends one command and returns its answer line. */
    String ask(String command, Duration bound) {
        in.println(command);
        return next(bound);
    }

    /** SIGKILL on Linux: no shutdown hook, no close, no flush. Waits (bounded) until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("node " + id + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
