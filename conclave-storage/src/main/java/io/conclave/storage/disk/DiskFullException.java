package io.conclave.storage.disk;

import java.io.IOException;

/**
 * A write did not fit on the disk. Expected, not a bug: the caller reports it, stops accepting writes
 * (back-pressure) and retries once retention or an operator has freed space. What was written before
 * stays intact.
 */
public final class DiskFullException extends IOException {

    private final String path;
    private final long bytesWanted;
    private final long bytesFree;

    public DiskFullException(String path, long bytesWanted, long bytesFree) {
        super("disk full: writing " + bytesWanted + " bytes to " + path + " with " + bytesFree
                + " bytes free; free space (delete old data, raise retention limits or add disk) and retry");
        this.path = path;
        this.bytesWanted = bytesWanted;
        this.bytesFree = bytesFree;
    }

    public String path() {
        return path;
    }

    public long bytesWanted() {
        return bytesWanted;
    }

    public long bytesFree() {
        return bytesFree;
    }
}
