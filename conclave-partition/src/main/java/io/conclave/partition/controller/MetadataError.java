package io.conclave.partition.controller;

/** The outcome of a metadata request: {@link ErrorCode#NONE} or a code with a message for the user. */
public record MetadataError(ErrorCode code, String message) {

    public static final MetadataError NONE = new MetadataError(ErrorCode.NONE, "");

    public boolean ok() {
        return code == ErrorCode.NONE;
    }
}
