package io.conclave.sim.workload;

import io.conclave.check.history.History;
import io.conclave.check.history.HistoryRecorder;
import io.conclave.check.history.HistoryRecorder.Invocation;
import io.conclave.check.history.OpType;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import io.conclave.sim.node.ClientRequest;
import io.conclave.sim.node.ClientRequest.Level;
import io.conclave.sim.node.ClientRequest.Op;
import io.conclave.sim.node.ClientResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Drives the clients: each is a loop of invoke → wait for the answer or the timeout → record →
 * think → next, until the run's operation budget is spent. Keys are spread over groups; each key has
 * its own fixed set of clients, so at most {@code clientsPerKey} touch a key at once.
 */
public final class Workload {

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final WorkloadConfig config;
    private final ClientGateway gateway;
    private final HistoryRecorder recorder;
    private final List<Client> clients = new ArrayList<>();
    private final TreeMap<String, Integer> logLengthSeen = new TreeMap<>();
    private long nextOpId = 1;
    private int invoked;
    private boolean stopped;
    private int finalReadsPending;
    private int finalReadsFailed;

    /** One logical client slot: a key, a current client id, and its cached leader. */
    private final class Client {
        final int group;
        final String key;
        final boolean isLog;
        int id;
        long counter;
        int leaderHint;
        String lastSeen;
        boolean busy;
        long finalDeadlineNs;

        Client(int group, String key, boolean isLog) {
            this.group = group;
            this.key = key;
            this.isLog = isLog;
            this.id = recorder.newClient();
        }
    }

    public Workload(Scheduler scheduler, SimRandom random, Trace trace, WorkloadConfig config, ClientGateway gateway) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.config = config.validate();
        this.gateway = gateway;
        this.recorder = new HistoryRecorder(scheduler::nowNs);
    }

    /** Creates the clients of every key of {@code groups} groups and starts them. */
    public void start(int groups) {
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < config.keysPerGroup(); k++) {
                boolean isLog = config.kind() == WorkloadConfig.Kind.LOG
                        || (config.kind() == WorkloadConfig.Kind.MIXED && k % 2 == 1);
                String key = isLog ? "g" + g + "/p" + k : "g" + g + "-k" + k;
                for (int c = 0; c < config.clientsPerKey(); c++) {
                    clients.add(new Client(g, key, isLog));
                }
            }
        }
        for (Client c : clients) {
            scheduleNext(c);
        }
    }

    /** Stops invoking new operations (those in flight still complete or time out). */
    public void stop() {
        stopped = true;
    }

    /** Every operation so far, in the shared history format (those still in flight as unknown). */
    public History history() {
        return recorder.history();
    }

    public int invoked() {
        return invoked;
    }

    public boolean idle() {
        for (Client c : clients) {
            if (c.busy) {
                return false;
            }
        }
        return true;
    }

    private void scheduleNext(Client c) {
        scheduler.after(random.exponential(config.thinkNsMean()), () -> {
            if (!stopped && invoked < config.opsTotal() && !c.busy) {
                invoke(c);
            }
        });
    }

    private void invoke(Client c) {
        invoked++;
        ClientRequest q = c.isLog ? logOp(c) : registerOp(c);
        issue(c, q, true);
    }

    private String uniqueValue(Client c) {
        return "c" + c.id + "-" + (c.counter++);
    }

    private Level writeLevel() {
        return random.chance(0.5) ? Level.LINEARIZABLE : Level.STRONG;
    }

    private Level readLevel(boolean allowEventual) {
        double x = random.nextDouble();
        if (allowEventual && x < 0.2) {
            return Level.EVENTUAL;
        }
        return x < 0.6 ? Level.LINEARIZABLE : Level.STRONG;
    }

    private ClientRequest registerOp(Client c) {
        long opId = nextOpId++;
        double x = random.nextDouble();
        if (x < 0.4) {
            return new ClientRequest(opId, c.group, Op.GET, c.key, null, null, readLevel(true), 0, -1);
        }
        if (x < 0.8) {
            return new ClientRequest(opId, c.group, Op.PUT, c.key, uniqueValue(c), null, writeLevel(), 0, -1);
        }
        return new ClientRequest(opId, c.group, Op.CAS, c.key, uniqueValue(c), c.lastSeen, writeLevel(), 0, -1);
    }

    private ClientRequest logOp(Client c) {
        long opId = nextOpId++;
        if (random.chance(0.6)) {
            return new ClientRequest(opId, c.group, Op.APPEND, c.key, uniqueValue(c), null, writeLevel(), 0, -1);
        }
        int len = logLengthSeen.getOrDefault(c.key, 0);
        long from = random.between(0, len);
        long to = random.chance(0.5) ? -1 : from + random.between(1, 10);
        return new ClientRequest(opId, c.group, Op.READ, c.key, null, null, readLevel(true), from, to);
    }

    private int pickNode(Client c) {
        List<Integer> nodes = gateway.nodesOf(c.group);
        if (c.leaderHint != 0 && nodes.contains(c.leaderHint) && !random.chance(0.1)) {
            return c.leaderHint;
        }
        return nodes.isEmpty() ? 0 : random.pick(nodes);
    }

    private void issue(Client c, ClientRequest q, boolean continueAfter) {
        c.busy = true;
        Invocation inv = recorder.invoke(c.id, request(q));
        int node = pickNode(c);
        trace.record(scheduler.nowNs(), "client.invoke", c.id, q.opId(), q.op().ordinal(), node);
        boolean[] done = {false};
        if (node != 0) {
            gateway.send(node, q, resp -> {
                if (done[0]) {
                    return;
                }
                done[0] = true;
                complete(c, q, inv, resp, continueAfter);
            });
        }
        scheduler.after(config.timeoutNs(), () -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            timeout(c, q, inv, continueAfter);
        });
    }

    private static HistoryRecorder.Request request(ClientRequest q) {
        io.conclave.check.history.Level level = switch (q.level()) {
            case LINEARIZABLE -> io.conclave.check.history.Level.LINEARIZABLE;
            case STRONG -> io.conclave.check.history.Level.STRONG;
            case EVENTUAL -> io.conclave.check.history.Level.EVENTUAL;
        };
        return switch (q.op()) {
            case PUT -> new HistoryRecorder.Request(OpType.PUT, q.key(), q.value(), null, null, null, false, level);
            case GET -> new HistoryRecorder.Request(OpType.GET, q.key(), null, null, null, null, false, level);
            case CAS -> new HistoryRecorder.Request(OpType.CAS, q.key(), q.value(), q.expected(), null, null, false,
                    level);
            case APPEND -> new HistoryRecorder.Request(OpType.APPEND, q.key(), q.value(), null, null, null, false,
                    level);
            case READ -> new HistoryRecorder.Request(OpType.READ, q.key(), null, null, q.from(),
                    q.to() < 0 ? null : q.to(), false, level);
        };
    }

    private void complete(Client c, ClientRequest q, Invocation inv, ClientResponse r, boolean continueAfter) {
        trace.record(scheduler.nowNs(), "client.complete", inv.client(), q.opId(), r.ok() ? 1 : 0, r.leaderHint());
        c.leaderHint = r.leaderHint();
        if (r.ok()) {
            learn(c, q, r);
            switch (q.op()) {
                case PUT -> inv.okPut();
                case GET -> inv.okGet(r.value());
                case CAS -> inv.okCas(r.swapped());
                case APPEND -> inv.okAppend(r.offset());
                case READ -> inv.okRead(r.values());
                default -> throw new IllegalStateException("unhandled op " + q.op());
            }
        } else {
            inv.fail();
        }
        c.busy = false;
        afterOp(c, q, r.ok(), continueAfter);
    }

    private void timeout(Client c, ClientRequest q, Invocation inv, boolean continueAfter) {
        trace.record(scheduler.nowNs(), "client.timeout", inv.client(), q.opId(), 0, 0);
        inv.unknown();
        c.id = recorder.newClient();
        c.leaderHint = 0;
        c.busy = false;
        afterOp(c, q, false, continueAfter);
    }

    private void afterOp(Client c, ClientRequest q, boolean ok, boolean continueAfter) {
        if (continueAfter) {
            scheduleNext(c);
        } else {
            finalReadDone(c, q, ok);
        }
    }

    private void learn(Client c, ClientRequest q, ClientResponse r) {
        switch (q.op()) {
            case GET -> c.lastSeen = r.value();
            case PUT -> c.lastSeen = q.value();
            case CAS -> c.lastSeen = r.swapped() ? q.value() : c.lastSeen;
            case APPEND -> logLengthSeen.merge(c.key, (int) r.offset() + 1, Math::max);
            case READ -> logLengthSeen.merge(c.key, (int) q.from() + r.values().size(), Math::max);
            default -> throw new IllegalStateException("unhandled op " + q.op());
        }
    }

    // ---- final reads (liveness) ----

    /**
     * Reads every key once more at LINEARIZABLE, retrying failed reads until {@code deadlineNs}; the
     * reads join the history, so the checkers see that acknowledged writes are still there.
     */
    public void startFinalReads(long deadlineNs) {
        TreeMap<String, Client> byKey = new TreeMap<>();
        for (Client c : clients) {
            byKey.putIfAbsent(c.key, c);
        }
        for (Client template : byKey.values()) {
            Client c = new Client(template.group, template.key, template.isLog);
            finalReadsPending++;
            finalRead(c, deadlineNs);
        }
    }

    private void finalRead(Client c, long deadlineNs) {
        long opId = nextOpId++;
        ClientRequest q = c.isLog
                ? new ClientRequest(opId, c.group, Op.READ, c.key, null, null, Level.LINEARIZABLE, 0, -1)
                : new ClientRequest(opId, c.group, Op.GET, c.key, null, null, Level.LINEARIZABLE, 0, -1);
        c.finalDeadlineNs = deadlineNs;
        issue(c, q, false);
    }

    private void finalReadDone(Client c, ClientRequest q, boolean ok) {
        if (ok) {
            finalReadsPending--;
            return;
        }
        long deadlineNs = c.finalDeadlineNs;
        if (scheduler.nowNs() + config.timeoutNs() < deadlineNs) {
            scheduler.after(20_000_000, () -> finalRead(c, deadlineNs));
        } else {
            finalReadsPending--;
            finalReadsFailed++;
        }
    }

    public boolean finalReadsDone() {
        return finalReadsPending == 0;
    }

    /** Keys whose final read never succeeded before the deadline. */
    public int finalReadsFailed() {
        return finalReadsFailed;
    }
}
