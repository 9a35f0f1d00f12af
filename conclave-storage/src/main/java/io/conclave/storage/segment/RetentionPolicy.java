package io.conclave.storage.segment;

/**
 * How much of a log to keep behind its snapshot point. Whole segments are deleted, oldest first, while the
 * log is larger than {@code bytesMax} or a segment's newest entry is older than {@code ageMsMax}.
 *
 * @param bytesMax the total size of the segment files to keep at most; {@link Long#MAX_VALUE} for no limit
 * @param ageMsMax the age of a segment's newest entry past which it is deleted; {@link Long#MAX_VALUE} for none
 */
public record RetentionPolicy(long bytesMax, long ageMsMax) {

    public static final RetentionPolicy UNLIMITED = new RetentionPolicy(Long.MAX_VALUE, Long.MAX_VALUE);

    public RetentionPolicy {
        validate(bytesMax, ageMsMax);
    }

    private static void validate(long bytesMax, long ageMsMax) {
        if (bytesMax < 0 || ageMsMax < 0) {
            throw new IllegalArgumentException("retention limits must be >= 0: bytesMax=" + bytesMax
                    + " ageMsMax=" + ageMsMax);
        }
    }
}
