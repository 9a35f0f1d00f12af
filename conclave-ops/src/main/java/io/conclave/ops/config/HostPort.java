package io.conclave.ops.config;

/**
 * A host and port, as in {@code seeds}.
 *
 * @param host a host name or address
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be set");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1 to 65535: " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
