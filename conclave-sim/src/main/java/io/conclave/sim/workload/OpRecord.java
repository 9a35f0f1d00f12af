package io.conclave.sim.workload;

import java.util.List;

/**
 * One completed client operation, with the fields of the shared history format
 * (/work/shared/history-format.md). Null means "absent from the line".
 */
public record OpRecord(long client, String op, String key, String value, boolean hasValue, String expected,
                       Boolean swapped, Long offset, Long from, Long to, List<String> values, long callNs,
                       Long returnNs, String level, String outcome) {

    public boolean ok() {
        return "ok".equals(outcome);
    }

    public boolean isWrite() {
        return op.equals("put") || op.equals("cas") || op.equals("append");
    }
}
