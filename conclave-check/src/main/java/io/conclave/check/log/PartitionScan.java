package io.conclave.check.log;

import io.conclave.check.history.HistoryWriter;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import io.conclave.check.history.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The scans of one partition. Acknowledgements ({@code ok} appends, not {@code eventual}) and
 * {@code ok} reads (not {@code eventual}) are observations of (offset, value); appends of any level
 * and outcome are what a read may legitimately show (except failed ones).
 */
final class PartitionScan {
    private final String key;
    private final List<Operation> acks = new ArrayList<>();
    private final List<Operation> reads = new ArrayList<>();
    private final List<Operation> finalReads;
    private final Map<Object, Operation> appendByValue = new HashMap<>();
    private final Map<Long, Map<Object, Operation>> valuesAtOffset = new TreeMap<>();
    private final Map<Object, Map<Long, Operation>> offsetsOfValue = new LinkedHashMap<>();
    private final Map<Object, Operation> readValues = new HashMap<>();
    private final List<LogAnomaly> anomalies = new ArrayList<>();
    private long unverified;

    PartitionScan(String key, List<Operation> ops, List<Operation> finalReads) {
        this.key = key;
        for (Operation op : ops) {
            if (op.op() == OpType.APPEND) {
                appendByValue.put(op.value(), op);
                if (op.isOk() && op.level().isLinearizable()) {
                    acks.add(op);
                }
            } else if (op.op() == OpType.READ && op.isOk() && op.level().isLinearizable()) {
                reads.add(op);
            }
        }
        acks.sort(Comparator.comparingLong(Operation::callNs));
        reads.sort(Comparator.comparingLong(Operation::callNs));
        this.finalReads = finalReads;
    }

    List<LogAnomaly> run() {
        observe();
        duplicatesAndInconsistentOffsets();
        lostWrites();
        finalReads();
        staleReads();
        nonMonotonicReads();
        offsetOrder();
        return anomalies;
    }

    int acknowledged() {
        return acks.size();
    }

    int readCount() {
        return reads.size();
    }

    /** Acknowledged appends that no read showed and no read had to show: neither confirmed nor refuted. */
    long unverified() {
        return unverified;
    }

    private void observe() {
        for (Operation ack : acks) {
            record(ack.offset(), ack.value(), ack);
        }
        for (Operation r : reads) {
            for (int i = 0; i < r.values().size(); i++) {
                long offset = r.from() + i;
                Object v = r.values().get(i);
                record(offset, v, r);
                if (readValues.putIfAbsent(v, r) == null) {
                    checkOrigin(offset, v, r);
                }
            }
        }
    }

    private void checkOrigin(long offset, Object v, Operation read) {
        Operation append = appendByValue.get(v);
        if (append == null) {
            add(LogAnomaly.Type.PHANTOM_READ, offset, v, "a read shows " + show(v) + " at offset " + offset
                    + ", a value no append wrote", List.of(read));
        } else if (append.outcome() == Outcome.FAIL) {
            add(LogAnomaly.Type.ABORTED_READ, offset, v, "a read shows " + show(v) + " at offset " + offset
                    + ", the value of a failed append", List.of(append, read));
        }
    }

    private void record(long offset, Object v, Operation source) {
        valuesAtOffset.computeIfAbsent(offset, o -> new LinkedHashMap<>()).putIfAbsent(v, source);
        offsetsOfValue.computeIfAbsent(v, x -> new TreeMap<>()).putIfAbsent(offset, source);
    }

    private void duplicatesAndInconsistentOffsets() {
        offsetsOfValue.forEach((v, byOffset) -> {
            if (byOffset.size() > 1) {
                add(LogAnomaly.Type.DUPLICATE, null, v, show(v) + " appears at offsets " + byOffset.keySet(),
                        new ArrayList<>(byOffset.values()));
            }
        });
        valuesAtOffset.forEach((offset, byValue) -> {
            if (byValue.size() > 1) {
                List<String> shown = new ArrayList<>();
                byValue.keySet().forEach(v -> shown.add(show(v)));
                add(LogAnomaly.Type.INCONSISTENT_OFFSET, offset, null, "offset " + offset + " holds " + shown,
                        new ArrayList<>(byValue.values()));
            }
        });
    }

    private void lostWrites() {
        for (Operation ack : acks) {
            if (readValues.containsKey(ack.value())) {
                continue;
            }
            Operation witness = readThatHadToShow(ack);
            if (witness != null) {
                add(LogAnomaly.Type.LOST_WRITE, ack.offset(), ack.value(), "append of " + show(ack.value())
                        + " was acknowledged at offset " + ack.offset() + " but no read ever showed it, although a read of "
                        + range(witness) + " had to", List.of(ack, witness));
            } else {
                unverified++;
            }
        }
    }

    /** A read that showed the ack's offset, or began after the ack and had to show it; null if none. */
    private Operation readThatHadToShow(Operation ack) {
        long o = ack.offset();
        for (Operation r : reads) {
            boolean showed = r.from() <= o && o < end(r);
            if (showed || requiredToShow(r, ack)) {
                return r;
            }
        }
        return null;
    }

    /** The read began after the ack returned and its range covers the offset, and it is complete there. */
    private static boolean requiredToShow(Operation read, Operation ack) {
        long o = ack.offset();
        boolean inRange = read.from() <= o && (read.to() == null || o < read.to());
        boolean reaches = o < read.from() + read.values().size();
        return ack.returnNs() < read.callNs() && inRange && (!read.prefix() || reaches);
    }

    private void finalReads() {
        for (Operation f : finalReads) {
            for (Operation ack : acks) {
                if (!requiredToShow(f, ack)) {
                    continue;
                }
                int idx = (int) (ack.offset() - f.from());
                Object seen = idx < f.values().size() ? f.values().get(idx) : Missing.END_OF_LOG;
                if (!Objects.equals(seen, ack.value())) {
                    String got = seen == Missing.END_OF_LOG ? "the log ends before it" : "it holds " + show(seen);
                    add(LogAnomaly.Type.UNSEEN_BY_FINAL_READ, ack.offset(), ack.value(), "append of "
                            + show(ack.value()) + " was acknowledged at offset " + ack.offset()
                            + " before the final read began, but in the final read " + got, List.of(ack, f));
                }
            }
        }
    }

    private void staleReads() {
        PrefixMax acked = new PrefixMax(acks, Operation::offset);
        for (Operation r : reads) {
            Operation witness = acked.bestBefore(r.callNs());
            if (witness != null && endsShort(r, witness.offset())) {
                add(LogAnomaly.Type.STALE_READ, witness.offset(), witness.value(), "a read of " + range(r)
                        + " began after " + show(witness.value()) + " was acknowledged at offset " + witness.offset()
                        + " but returned a log ending at offset " + end(r), List.of(witness, r));
            }
        }
    }

    private void nonMonotonicReads() {
        PrefixMax seen = new PrefixMax(reads, PartitionScan::lastOffset);
        for (Operation r : reads) {
            Operation earlier = seen.bestBefore(r.callNs());
            if (earlier != null && lastOffset(earlier) >= 0 && endsShort(r, lastOffset(earlier))) {
                String who = earlier.client() == r.client() ? "the same client's" : "client " + earlier.client() + "'s";
                add(LogAnomaly.Type.NONMONOTONIC_READ, lastOffset(earlier), null, "a read of " + range(r)
                        + " by client " + r.client() + " began after " + who + " read had shown offset "
                        + lastOffset(earlier) + ", but returned a log ending at offset " + end(r),
                        List.of(earlier, r));
            }
        }
    }

    private void offsetOrder() {
        PrefixMax acked = new PrefixMax(acks, Operation::offset);
        for (Operation a : acks) {
            Operation earlier = acked.bestBefore(a.callNs());
            if (earlier != null && earlier.offset() > a.offset()) {
                add(LogAnomaly.Type.OFFSET_ORDER, a.offset(), a.value(), "append of " + show(earlier.value())
                        + " was acknowledged at offset " + earlier.offset() + " before the append of "
                        + show(a.value()) + " was invoked, which got the smaller offset " + a.offset(),
                        List.of(earlier, a));
            }
        }
    }

    /** True when a complete read (not prefix) covers {@code offset} but its log ends before it. */
    private static boolean endsShort(Operation r, long offset) {
        long end = end(r);
        return !r.prefix() && offset >= end && (r.to() == null || end < r.to());
    }

    private static long end(Operation r) {
        return r.from() + r.values().size();
    }

    private static long lastOffset(Operation r) {
        return r.values().isEmpty() ? -1 : end(r) - 1;
    }

    private static String range(Operation r) {
        return "[" + r.from() + ", " + (r.to() == null ? "tail" : r.to()) + ")";
    }

    private static String show(Object v) {
        return HistoryWriter.scalarJson(v);
    }

    private void add(LogAnomaly.Type type, Long offset, Object value, String description, List<Operation> witnesses) {
        anomalies.add(new LogAnomaly(type, key, offset, value, description, witnesses));
    }

    private enum Missing { END_OF_LOG }
}
