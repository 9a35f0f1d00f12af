package io.conclave.check.linear;

import io.conclave.check.SimulatedHistories;
import io.conclave.check.history.History;
import java.util.Random;

/**
 * Prints the search cost of simulated correct histories at the format's recommended maximum size
 * (5,000 operations on one key), for docs/bench/check.md. Not a test; run by hand:
 * {@code java -cp <test classpath> io.conclave.check.linear.SearchCostReport}.
 */
public final class SearchCostReport {
    private SearchCostReport() {
    }

    public static void main(String[] args) {
        LinearizabilityChecker checker = new LinearizabilityChecker(LinearizabilityConfig.defaults().withThreads(1));
        System.out.println("model     clients  ops   verdict  states  ms");
        for (int round = 0; round < 4; round++) {
            for (String model : new String[] {"register", "log"}) {
                for (int clients : new int[] {5, 8}) {
                    SimulatedHistories sim = new SimulatedHistories(new Random(100 + round), 0.01, 0.02);
                    History h = model.equals("register") ? sim.registers(1, clients, 5000) : sim.logs(1, clients, 5000);
                    long t0 = System.nanoTime();
                    KeyResult r = checker.check(h).get(0);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    if (round > 0) {
                        System.out.printf("%-9s %7d  %4d  %-7s  %6d  %d%n", model, clients, r.operations(), r.verdict(),
                                r.statesExplored(), ms);
                    }
                }
            }
        }
    }
}
