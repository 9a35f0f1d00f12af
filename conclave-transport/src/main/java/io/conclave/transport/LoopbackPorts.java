package io.conclave.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for nodes started locally (the demo, the benchmarks, the integration tests),
 * chosen <em>below</em> the kernel's ephemeral range. A port from the ephemeral range ({@code bind(0)})
 * is free when chosen but can be handed to any outgoing connection before its node binds it — the
 * nodes started first connect to each other meanwhile — and then the node fails with "address already
 * in use" (seen in {@code DataPlaneTest}). Ports below the range are never given out that way.
 */
public final class LoopbackPorts {

    /** The lowest port chosen. */
    static final int LOW = 10_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default ephemeral range starts here; used when the kernel's cannot be read. */
    private static final int EPHEMERAL_LOW_DEFAULT = 32_768;
    private static final int ATTEMPTS_MAX = 10_000;

    private LoopbackPorts() {
    }

    /**
     * {@code n} distinct ports free on 127.0.0.1 right now, below the ephemeral range: each is bound while
     * the rest are chosen, then all are released for the caller to bind.
     */
    public static int[] pick(int n) {
        int high = ephemeralLow();
        ServerSocket[] held = new ServerSocket[n];
        try {
            int[] out = new int[n];
            int chosen = 0;
            for (int attempt = 0; chosen < n && attempt < ATTEMPTS_MAX; attempt++) {
                ServerSocket s = high - LOW < 2 * n ? bindEphemeral() : tryBind(ThreadLocalRandom.current().nextInt(LOW, high));
                if (s != null) {
                    held[chosen] = s;
                    out[chosen++] = s.getLocalPort();
                }
            }
            if (chosen < n) {
                throw new IllegalStateException("found only " + chosen + " of " + n + " free loopback ports in "
                        + ATTEMPTS_MAX + " attempts");
            }
            return out;
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // released either way once collected
                    }
                }
            }
        }
    }

    private static ServerSocket tryBind(int port) {
        ServerSocket s = null;
        try {
            s = new ServerSocket();
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return s;
        } catch (IOException e) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing was bound
                }
            }
            return null;
        }
    }

    private static ServerSocket bindEphemeral() {
        try {
            return new ServerSocket(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port of the kernel's ephemeral range (Linux), or its usual default. */
    static int ephemeralLow() {
        // Files.readString reads one byte of this procfs file (it reports a size of 0): read a line instead
        try (BufferedReader r = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String[] range = r.readLine().trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return EPHEMERAL_LOW_DEFAULT;
        }
    }
}
