package io.conclave.client;

import java.util.List;

/** A record read from a partition. {@code key} is null for an unkeyed record. */
public record ConsumerRecord(String topic, int partition, long offset, byte[] key, byte[] value,
                             List<Header> headers, long timestampMs) {
}
