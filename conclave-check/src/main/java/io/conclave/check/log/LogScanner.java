package io.conclave.check.log;

import io.conclave.check.history.History;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scans every partition of a history for the anomalies of {@link LogAnomaly.Type} (all but the two
 * convergence ones). The final read of a partition is the one the caller marks, or else its last
 * complete read of the whole log (from 0, no {@code to}, not prefix) by call time; a partition with
 * neither gets no final-read check. Stateless and thread-safe.
 */
public final class LogScanner {
    /** The checker's name in reports. */
    public static final String NAME = "log-scan";

    private LogScanner() {
    }

    /** Scans with the automatic choice of final reads. */
    public static LogScanResult scan(History history) {
        return scan(history, Set.of());
    }

    /**
     * Scans; for partitions with reads in {@code finalReads} those are the final reads, for the
     * others the automatic choice applies.
     */
    public static LogScanResult scan(History history, Set<Operation> finalReads) {
        List<LogAnomaly> anomalies = new ArrayList<>();
        long partitions = 0;
        long acked = 0;
        long reads = 0;
        long unverified = 0;
        for (Map.Entry<String, List<Operation>> e : history.byKey().entrySet()) {
            List<Operation> ops = e.getValue();
            if (ops.isEmpty() || ops.get(0).op().kind() != OpType.Kind.LOG) {
                continue;
            }
            PartitionScan scan = new PartitionScan(e.getKey(), ops, finalReadsOf(ops, finalReads));
            anomalies.addAll(scan.run());
            partitions++;
            acked += scan.acknowledged();
            reads += scan.readCount();
            unverified += scan.unverified();
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("partitions", partitions);
        counts.put("acknowledgedAppends", acked);
        counts.put("reads", reads);
        counts.put("acknowledgedUnverified", unverified);
        countByType(anomalies, counts);
        return new LogScanResult(NAME, anomalies, counts, List.of());
    }

    static void countByType(List<LogAnomaly> anomalies, Map<String, Long> counts) {
        Map<LogAnomaly.Type, Long> byType = new EnumMap<>(LogAnomaly.Type.class);
        for (LogAnomaly a : anomalies) {
            byType.merge(a.type(), 1L, Long::sum);
        }
        byType.forEach((t, n) -> counts.put(t.wireName(), n));
    }

    private static List<Operation> finalReadsOf(List<Operation> ops, Set<Operation> marked) {
        List<Operation> out = new ArrayList<>();
        Operation lastFull = null;
        for (Operation op : ops) {
            if (op.op() != OpType.READ || !op.isOk() || !op.level().isLinearizable()) {
                continue;
            }
            if (marked.contains(op)) {
                out.add(op);
            }
            boolean full = op.from() == 0 && op.to() == null && !op.prefix();
            if (full && (lastFull == null || op.callNs() >= lastFull.callNs())) {
                lastFull = op;
            }
        }
        if (out.isEmpty() && lastFull != null) {
            out.add(lastFull);
        }
        return out;
    }
}
