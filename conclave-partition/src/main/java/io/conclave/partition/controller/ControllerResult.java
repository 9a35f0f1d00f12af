package io.conclave.partition.controller;

import io.conclave.partition.metadata.MetadataRecord;
import java.util.List;

/**
 * What a handler decided: the records to append to the metadata log (none on error) and the answer
 * for the caller, to be sent once the records commit. Handlers never mutate metadata themselves.
 */
public record ControllerResult<T>(List<MetadataRecord> records, T response) {

    public ControllerResult {
        records = List.copyOf(records);
    }

    public static <T> ControllerResult<T> of(T response, MetadataRecord... records) {
        return new ControllerResult<>(List.of(records), response);
    }
}
