package io.conclave.client;

import java.util.List;
import java.util.Objects;

/**
 * Connection settings shared by a client's producers, consumers and admin.
 *
 * @param bootstrap          node client addresses ({@code host:port}) tried in order for metadata
 * @param requestTimeoutMs   the deadline of every call (a fetch adds its long-poll wait on top)
 * @param metadataMaxAgeMs   metadata is refreshed at least this often
 * @param retryBackoffMsInitial first retry delay; doubles per attempt, full jitter
 * @param retryBackoffMsMax  cap of the retry delay
 * @param retriesMax         attempts after the first for metadata, admin and consumer calls
 * @param rack               the client's rack: EVENTUAL reads prefer a replica on it ("" = none)
 */
public record ClientConfig(List<String> bootstrap, int requestTimeoutMs, int metadataMaxAgeMs,
                           int retryBackoffMsInitial, int retryBackoffMsMax, int retriesMax, String rack) {

    public ClientConfig {
        bootstrap = List.copyOf(Objects.requireNonNull(bootstrap, "bootstrap"));
        Objects.requireNonNull(rack, "rack");
    }

    public static ClientConfig of(String... bootstrap) {
        return new ClientConfig(List.of(bootstrap), 10_000, 30_000, 50, 1_000, 10, "");
    }

    public static ClientConfig of(List<String> bootstrap) {
        return new ClientConfig(bootstrap, 10_000, 30_000, 50, 1_000, 10, "");
    }

    /** Throws {@link IllegalArgumentException} naming the first bad setting. */
    public ClientConfig validate() {
        if (bootstrap.isEmpty()) {
            throw new IllegalArgumentException("bootstrap must name at least one host:port");
        }
        for (String address : bootstrap) {
            HostPort.parse(address);
        }
        positive("requestTimeoutMs", requestTimeoutMs);
        positive("metadataMaxAgeMs", metadataMaxAgeMs);
        positive("retryBackoffMsInitial", retryBackoffMsInitial);
        if (retryBackoffMsMax < retryBackoffMsInitial) {
            throw new IllegalArgumentException("retryBackoffMsMax (" + retryBackoffMsMax
                    + ") must be >= retryBackoffMsInitial (" + retryBackoffMsInitial + ")");
        }
        if (retriesMax < 0) {
            throw new IllegalArgumentException("retriesMax must be >= 0, was " + retriesMax);
        }
        return this;
    }

    static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    public ClientConfig withRequestTimeoutMs(int v) {
        return new ClientConfig(bootstrap, v, metadataMaxAgeMs, retryBackoffMsInitial, retryBackoffMsMax, retriesMax, rack);
    }

    public ClientConfig withMetadataMaxAgeMs(int v) {
        return new ClientConfig(bootstrap, requestTimeoutMs, v, retryBackoffMsInitial, retryBackoffMsMax, retriesMax, rack);
    }

    public ClientConfig withRetryBackoffMs(int initial, int max) {
        return new ClientConfig(bootstrap, requestTimeoutMs, metadataMaxAgeMs, initial, max, retriesMax, rack);
    }

    public ClientConfig withRetriesMax(int v) {
        return new ClientConfig(bootstrap, requestTimeoutMs, metadataMaxAgeMs, retryBackoffMsInitial, retryBackoffMsMax, v, rack);
    }

    public ClientConfig withRack(String v) {
        return new ClientConfig(bootstrap, requestTimeoutMs, metadataMaxAgeMs, retryBackoffMsInitial, retryBackoffMsMax, retriesMax, v);
    }
}
