package io.conclave.client;

import java.util.Objects;

/** A record header: a name and opaque bytes. */
public record Header(String key, byte[] value) {
    public Header {
        Objects.requireNonNull(key, "header key");
        Objects.requireNonNull(value, "header value");
    }
}
