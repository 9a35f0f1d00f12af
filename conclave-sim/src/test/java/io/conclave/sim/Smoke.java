package io.conclave.sim;

import io.conclave.check.Checkers;
import io.conclave.sim.cluster.SimConfig;
import io.conclave.sim.cluster.SimResult;
import io.conclave.sim.cluster.Simulation;

public class Smoke {
    public static void main(String[] args) {
        long seeds = Long.parseLong(args[0]);
        long first = args.length > 2 ? seeds : 1;
        for (long s = first; s <= seeds; s++) {
            SimConfig c = SimConfig.defaults(s);
            if (args.length > 1) c = c.withNemeses(io.conclave.sim.nemesis.FaultKind.parseList(args[1]));
            io.conclave.sim.core.Trace t = new io.conclave.sim.core.Trace();
            if (args.length > 2) t.echoTo(System.out);
            SimResult r = Simulation.run(c, t);
            var rep = Checkers.runAll(r.history());
            System.out.println("seed " + s + " " + (r.failure() == null ? "ok" : r.failure()) + " ops=" + r.history().size()
                + " ok=" + r.count(io.conclave.check.history.Outcome.OK) + " unk=" + r.count(io.conclave.check.history.Outcome.UNKNOWN)
                + " events=" + r.events() + " wallms=" + r.wallNs() / 1_000_000 + " faults=" + r.faults() + " check=" + rep.verdict());
            if (rep.verdict() != io.conclave.check.Verdict.VALID) System.out.println(rep.toText());
        }
    }
}
