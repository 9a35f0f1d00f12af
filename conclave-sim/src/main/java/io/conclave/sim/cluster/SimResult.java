package io.conclave.sim.cluster;

import io.conclave.check.history.History;
import io.conclave.check.history.Outcome;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one seed's run produced.
 *
 * @param seed the run seed
 * @param failure null when every invariant and liveness check passed; else what broke, first line first
 * @param history every completed client operation
 * @param traceHash the run's trace hash (same seed and code → same hash)
 * @param simNs simulated time at the end
 * @param wallNs wall time the run took
 * @param events scheduler events run
 * @param faults faults injected, by kind
 * @param checks verdicts of the history checkers, by name (filled by the caller that runs them)
 */
public record SimResult(long seed, String failure, History history, long traceHash, long simNs, long wallNs,
                        long events, TreeMap<String, Long> faults, Map<String, String> checks) {

    public boolean passed() {
        return failure == null;
    }

    public long count(Outcome outcome) {
        return history.operations().stream().filter(o -> o.outcome() == outcome).count();
    }

    public String traceHashHex() {
        return String.format("%016x", traceHash);
    }

    public SimResult withCheck(String name, String verdict, boolean ok) {
        TreeMap<String, String> c = new TreeMap<>(checks);
        c.put(name, verdict);
        String f = failure;
        if (!ok && f == null) {
            f = "checker " + name + ": " + verdict;
        }
        return new SimResult(seed, f, history, traceHash, simNs, wallNs, events, faults, c);
    }
}
