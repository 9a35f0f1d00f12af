package io.conclave.cli.admin;

import io.conclave.client.ClientConfig;
import io.conclave.client.ConclaveClient;
import picocli.CommandLine.Option;

/** The options every command that talks to a cluster shares. */
public final class ClientOptions {

    @Option(names = {"-b", "--bootstrap"}, split = ",", paramLabel = "HOST:PORT",
            description = "client addresses of one or more nodes (default: $CONCLAVE_BOOTSTRAP or 127.0.0.1:7002)")
    String[] bootstrap;

    @Option(names = "--timeout-ms", description = "deadline of each call (default: ${DEFAULT-VALUE})",
            defaultValue = "10000")
    int timeoutMs;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    public boolean json() {
        return json;
    }

    public String[] bootstrap() {
        if (bootstrap != null && bootstrap.length > 0) {
            return bootstrap;
        }
        String env = System.getenv("CONCLAVE_BOOTSTRAP");
        return env != null && !env.isBlank() ? env.split(",") : new String[] {"127.0.0.1:7002"};
    }

    public ConclaveClient connect() {
        return ConclaveClient.connect(ClientConfig.of(bootstrap()).withRequestTimeoutMs(timeoutMs));
    }
}
