package io.conclave.cli.node;

import java.util.function.IntConsumer;

/**
 * The node process's answer to a thread that dies of an uncaught exception: log it and stop the
 * whole process at once, with {@link #EXIT_CODE}. The runtime's threads (event loops, appliers, WAL
 * writers) end only that way when something they cannot recover from happens — a storage error
 * that leaves a log unusable, a bug — and a node running on without one of them would look alive
 * to its peers while serving nothing (the simulator's seed 208 showed such a node). Stopping lets
 * a supervisor restart it, and a restart recovers from what is on disk.
 *
 * <p>Installed as the default handler by {@code node start} only; a program embedding a node
 * chooses its own policy.
 */
public final class FailStop implements Thread.UncaughtExceptionHandler {

    /** The exit code of a fail-stop (EX_SOFTWARE). */
    public static final int EXIT_CODE = 70;

    private static final System.Logger LOG = System.getLogger(FailStop.class.getName());

    private final IntConsumer halt;

    /** {@code halt} stops the process with the code it is given ({@code Runtime::halt} in production). */
    public FailStop(IntConsumer halt) {
        this.halt = halt;
    }

    /** Installs fail-stop as the process's default handler for uncaught exceptions. */
    public static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new FailStop(code -> Runtime.getRuntime().halt(code)));
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        try {
            LOG.log(System.Logger.Level.ERROR, "thread " + t.getName() + " died; stopping the node (exit "
                    + EXIT_CODE + ") so that a restart recovers from its disk", e);
            System.err.println("conclave node: thread " + t.getName() + " died (" + e + "); stopping (exit "
                    + EXIT_CODE + ")");
        } finally {
            halt.accept(EXIT_CODE);
        }
    }
}
