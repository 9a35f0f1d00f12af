package io.conclave.check.log;

import io.conclave.check.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * For operations that completed, answers "which of those that returned before time t has the
 * largest metric?" in O(log n), after O(n log n) preparation.
 */
final class PrefixMax {
    private final List<Operation> byReturn;
    private final long[] returns;
    private final int[] bestIndex;
    private final long[] bestMetric;

    PrefixMax(List<Operation> ops, ToLongFunction<Operation> metric) {
        this.byReturn = new ArrayList<>(ops);
        byReturn.sort(Comparator.comparingLong(Operation::returnNs));
        int n = byReturn.size();
        returns = new long[n];
        bestIndex = new int[n];
        bestMetric = new long[n];
        for (int i = 0; i < n; i++) {
            Operation op = byReturn.get(i);
            returns[i] = op.returnNs();
            long m = metric.applyAsLong(op);
            boolean better = i == 0 || m > bestMetric[i - 1];
            bestIndex[i] = better ? i : bestIndex[i - 1];
            bestMetric[i] = better ? m : bestMetric[i - 1];
        }
    }

    /** The operation with the largest metric among those that returned strictly before {@code t}, or null. */
    Operation bestBefore(long t) {
        int lo = 0;
        int hi = returns.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (returns[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == 0 ? null : byReturn.get(bestIndex[lo - 1]);
    }
}
