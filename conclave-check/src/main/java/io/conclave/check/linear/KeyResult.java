package io.conclave.check.linear;

import io.conclave.check.Verdict;
import io.conclave.check.history.Operation;
import java.util.List;

/**
 * The linearizability verdict for one key.
 *
 * @param key             the key or partition
 * @param model           "register" or "log"
 * @param verdict         valid, invalid, or unknown (budget exhausted)
 * @param operations      operations the search considered (after dropping failed, eventual and no-effect ones)
 * @param statesExplored  distinct (linearized set, state) pairs the search visited
 * @param explanation     a short human explanation; empty when valid
 * @param longestPrefix   for invalid/unknown: the longest linearization found, in order
 * @param stuckAfterPrefix for invalid: the operation that had to take effect next but could not
 * @param candidates      for invalid: the operations the search tried to place next, all rejected
 * @param stateAfterPrefix description of the model state after {@code longestPrefix}
 */
public record KeyResult(String key, String model, Verdict verdict, int operations, long statesExplored,
                        String explanation, List<Operation> longestPrefix, Operation stuckAfterPrefix,
                        List<Operation> candidates, String stateAfterPrefix) {
    public KeyResult {
        longestPrefix = List.copyOf(longestPrefix);
        candidates = List.copyOf(candidates);
    }
}
