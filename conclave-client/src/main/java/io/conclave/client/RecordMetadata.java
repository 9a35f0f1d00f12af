package io.conclave.client;

/** Where a produced record landed: its partition and offset. */
public record RecordMetadata(String topic, int partition, long offset) {
}
