package io.conclave.sim.node;

/**
 * A client's request to a node.
 *
 * @param opId unique in the run
 * @param group the Raft group holding the key
 * @param op what to do
 * @param key the register or log
 * @param value for writes: the value
 * @param expected for CAS: the value compared against (null = absent)
 * @param level the consistency level asked for
 * @param from for READ: first offset
 * @param to for READ: exclusive end, or -1 for the tail
 */
public record ClientRequest(long opId, int group, Op op, String key, String value, String expected, Level level,
                            long from, long to) {

    /** Client operations. */
    public enum Op {
        /** Write a register. */
        PUT,
        /** Read a register. */
        GET,
        /** Compare-and-set a register. */
        CAS,
        /** Append to a log. */
        APPEND,
        /** Read a slice of a log. */
        READ;

        public boolean isWrite() {
            return this == PUT || this == CAS || this == APPEND;
        }
    }

    /** Consistency levels, as in the design. */
    public enum Level {
        /** ReadIndex; majority-durable writes. */
        LINEARIZABLE,
        /** Leader lease (when enabled); majority-durable writes. */
        STRONG,
        /** Served locally by any replica. */
        EVENTUAL
    }
}
