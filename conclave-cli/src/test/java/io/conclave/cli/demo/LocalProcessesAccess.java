package io.conclave.cli.demo;

/** Test access to package-private helpers. */
public final class LocalProcessesAccess {
    private LocalProcessesAccess() {
    }

    public static int freePort() {
        return LocalProcesses.freePort();
    }
}
