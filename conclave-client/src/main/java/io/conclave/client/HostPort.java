package io.conclave.client;

/** A parsed {@code host:port} address. */
record HostPort(String host, int port) {

    static HostPort parse(String address) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address must be host:port, was '" + address + "'");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address must be host:port, was '" + address + "'", e);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 1..65535 in '" + address + "'");
        }
        return new HostPort(address.substring(0, colon), port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
