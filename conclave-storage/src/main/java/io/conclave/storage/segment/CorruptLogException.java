package io.conclave.storage.segment;

import java.io.IOException;

/**
 * A log holds damaged data that is not a torn tail: the log serves nothing, and the replica must be
 * restored from a snapshot of its peers ({@link SegmentLog#reset}) rather than the node taken down.
 */
public final class CorruptLogException extends IOException {

    private final String file;
    private final long position;
    private final String reason;

    public CorruptLogException(String file, long position, String reason) {
        super("corrupt log: " + file + " at byte " + position + ": " + reason
                + "; the log is not served: install a snapshot from a peer (SegmentLog.reset)");
        this.file = file;
        this.position = position;
        this.reason = reason;
    }

    /** The damaged file's path on its disk. */
    public String file() {
        return file;
    }

    /** The byte position of the damaged record or header in {@link #file()}. */
    public long position() {
        return position;
    }

    public String reason() {
        return reason;
    }
}
