package io.conclave.check.log;

import io.conclave.check.history.History;
import io.conclave.check.history.HistoryWriter;
import io.conclave.check.history.Level;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import io.conclave.check.history.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code eventual} writes promise, checked after the faults stop: every replica holds the same
 * log of each partition; that log holds no value twice, none from a failed append and none nobody
 * wrote; every acknowledged linearizable/strong append sits at its offset; and every acknowledged
 * eventual append is there unless it was acknowledged after the last replicated point (a time on
 * the history's clock, given by the caller: eventual writes acknowledged later may be lost).
 * Partitions with acknowledged appends but no final log leave the verdict unknown. Stateless.
 */
public final class ConvergenceChecker {
    /** The checker's name in reports. */
    public static final String NAME = "convergence";

    private ConvergenceChecker() {
    }

    /** Checks with one last replicated point for all partitions. */
    public static LogScanResult check(History history, List<ReplicaLog> finalLogs, long lastReplicatedNs) {
        return check(history, finalLogs, Map.of(), lastReplicatedNs);
    }

    /** Checks with a last replicated point per partition, {@code defaultLastReplicatedNs} for the rest. */
    public static LogScanResult check(History history, List<ReplicaLog> finalLogs,
                                      Map<String, Long> lastReplicatedNsByKey, long defaultLastReplicatedNs) {
        Map<String, List<ReplicaLog>> logsByKey = new TreeMap<>();
        for (ReplicaLog log : finalLogs) {
            logsByKey.computeIfAbsent(log.key(), k -> new ArrayList<>()).add(log);
        }
        List<LogAnomaly> anomalies = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        long lossAllowed = 0;
        for (Map.Entry<String, List<ReplicaLog>> e : logsByKey.entrySet()) {
            long point = lastReplicatedNsByKey.getOrDefault(e.getKey(), defaultLastReplicatedNs);
            lossAllowed += checkPartition(e.getKey(), history.ofKey(e.getKey()), e.getValue(), point, anomalies);
        }
        for (Map.Entry<String, List<Operation>> e : history.byKey().entrySet()) {
            boolean acked = e.getValue().stream().anyMatch(o -> o.op() == OpType.APPEND && o.isOk());
            if (acked && !logsByKey.containsKey(e.getKey())) {
                undecided.add("no final log given for partition \"" + e.getKey() + "\"");
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("partitions", (long) logsByKey.size());
        counts.put("replicaLogs", (long) finalLogs.size());
        counts.put("eventualLossAllowed", lossAllowed);
        LogScanner.countByType(anomalies, counts);
        return new LogScanResult(NAME, anomalies, counts, undecided);
    }

    /** Returns how many eventual writes are missing but were acknowledged after the last replicated point. */
    private static long checkPartition(String key, List<Operation> ops, List<ReplicaLog> logs, long point,
                                       List<LogAnomaly> anomalies) {
        Map<List<Object>, List<String>> distinct = new LinkedHashMap<>();
        for (ReplicaLog log : logs) {
            distinct.computeIfAbsent(log.values(), v -> new ArrayList<>()).add(log.replica());
        }
        if (distinct.size() > 1) {
            anomalies.add(new LogAnomaly(LogAnomaly.Type.DIVERGENT_REPLICAS, key, firstDifference(distinct), null,
                    "replicas hold " + distinct.size() + " different logs: " + describe(distinct), List.of()));
        }
        Map<Object, Operation> appendByValue = new HashMap<>();
        for (Operation op : ops) {
            if (op.op() == OpType.APPEND) {
                appendByValue.put(op.value(), op);
            }
        }
        long lossAllowed = 0;
        for (Map.Entry<List<Object>, List<String>> d : distinct.entrySet()) {
            String where = "on " + d.getValue();
            lossAllowed = Math.max(lossAllowed, checkLog(key, d.getKey(), where, ops, appendByValue, point, anomalies));
        }
        return lossAllowed;
    }

    private static long checkLog(String key, List<Object> log, String where, List<Operation> ops,
                                 Map<Object, Operation> appendByValue, long point, List<LogAnomaly> anomalies) {
        Map<Object, Long> offsetOf = new HashMap<>();
        for (int i = 0; i < log.size(); i++) {
            Object v = log.get(i);
            Long before = offsetOf.putIfAbsent(v, (long) i);
            Operation append = appendByValue.get(v);
            if (before != null) {
                anomalies.add(new LogAnomaly(LogAnomaly.Type.DUPLICATE, key, (long) i, v, show(v) + " is at offsets "
                        + before + " and " + i + " " + where, witness(append)));
            } else if (append == null) {
                anomalies.add(new LogAnomaly(LogAnomaly.Type.PHANTOM_READ, key, (long) i, v, show(v) + " at offset "
                        + i + " " + where + " was written by no append", List.of()));
            } else if (append.outcome() == Outcome.FAIL) {
                anomalies.add(new LogAnomaly(LogAnomaly.Type.ABORTED_READ, key, (long) i, v, show(v) + " at offset "
                        + i + " " + where + " is the value of a failed append", List.of(append)));
            }
        }
        long lossAllowed = 0;
        for (Operation op : ops) {
            if (op.op() != OpType.APPEND || !op.isOk()) {
                continue;
            }
            Long at = offsetOf.get(op.value());
            if (op.level() != Level.EVENTUAL) {
                if (at == null) {
                    anomalies.add(new LogAnomaly(LogAnomaly.Type.LOST_WRITE, key, op.offset(), op.value(), "append of "
                            + show(op.value()) + " acknowledged at offset " + op.offset() + " is missing " + where,
                            List.of(op)));
                } else if (!Objects.equals(at, op.offset())) {
                    anomalies.add(new LogAnomaly(LogAnomaly.Type.INCONSISTENT_OFFSET, key, op.offset(), op.value(),
                            "append of " + show(op.value()) + " acknowledged at offset " + op.offset() + " is at offset "
                                    + at + " " + where, List.of(op)));
                }
            } else if (at == null && op.returnNs() <= point) {
                anomalies.add(new LogAnomaly(LogAnomaly.Type.LOST_REPLICATED_WRITE, key, op.offset(), op.value(),
                        "eventual append of " + show(op.value()) + " acknowledged at " + op.returnNs()
                                + ", before the last replicated point " + point + ", is missing " + where, List.of(op)));
            } else if (at == null) {
                lossAllowed++;
            }
        }
        return lossAllowed;
    }

    private static Long firstDifference(Map<List<Object>, List<String>> distinct) {
        List<List<Object>> logs = new ArrayList<>(distinct.keySet());
        List<Object> a = logs.get(0);
        List<Object> b = logs.get(1);
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!Objects.equals(a.get(i), b.get(i))) {
                return (long) i;
            }
        }
        return (long) n;
    }

    private static String describe(Map<List<Object>, List<String>> distinct) {
        List<String> parts = new ArrayList<>();
        distinct.forEach((log, replicas) -> parts.add(replicas + " length " + log.size()));
        return String.join(", ", parts);
    }

    private static List<Operation> witness(Operation op) {
        return op == null ? List.of() : List.of(op);
    }

    private static String show(Object v) {
        return HistoryWriter.scalarJson(v);
    }
}
