package io.conclave.server.partition;

/**
 * What applying one partition log entry did, kept briefly by index so that the request that
 * proposed it can answer: appended at {@code baseOffset}; a duplicate of a batch written before at
 * {@code baseOffset} (-1 when that batch is too old to remember); fenced (its expected base was not
 * the next offset); or out of sequence for its producer.
 */
public record ApplyResult(Kind kind, long baseOffset, String detail) {

    public enum Kind { APPENDED, DUPLICATE, FENCED, OUT_OF_SEQUENCE, BARRIER }

    static ApplyResult appended(long base) {
        return new ApplyResult(Kind.APPENDED, base, "");
    }
}
