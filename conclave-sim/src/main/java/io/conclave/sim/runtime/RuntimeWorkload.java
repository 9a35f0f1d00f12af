package io.conclave.sim.runtime;

import io.conclave.check.history.History;
import io.conclave.check.history.HistoryRecorder;
import io.conclave.check.history.HistoryRecorder.Invocation;
import io.conclave.check.history.HistoryRecorder.Request;
import io.conclave.check.history.OpType;
import io.conclave.check.history.Outcome;
import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.node.RequestFailedException;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Clients of the runtime: each runs one operation at a time — {@code put}, {@code get}
 * (a LINEARIZABLE read barrier, then the local register) or {@code cas} on a register
 * {@code "g<group>/r<k>"} — against the node it believes leads the group, and records it in the shared
 * history format. A proposal that fails with NOT_LEADER or BACK_PRESSURE definitely did not happen
 * ({@code fail}); a timeout, a closed replica or a node that crashed under it is {@code unknown}
 * (and the client continues under a new id). Every acknowledged proposal is told to the oracle.
 */
final class RuntimeWorkload {

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final Oracle oracle;
    private final RuntimeSimConfig config;
    private final HistoryRecorder recorder;
    private final long[] activeGroups;
    private final Routing routing;
    private final Map<String, String> lastWritten = new HashMap<>();
    private final TreeSet<String> keysTouched = new TreeSet<>();
    private final List<Client> clients = new ArrayList<>();
    private boolean stopped;
    private long acknowledged;

    private final class Client {
        int id = recorder.newClient();
        long counter;
        final int index;

        Client(int index) {
            this.index = index;
        }
    }

    RuntimeWorkload(Scheduler scheduler, SimRandom random, Trace trace, RuntimeNode[] nodes, Oracle oracle,
                    RuntimeSimConfig config) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.routing = new Routing(nodes, random);
        this.oracle = oracle;
        this.config = config;
        this.recorder = new HistoryRecorder(scheduler::nowNs);
        int active = Math.min(config.groups(), config.activeGroupsMax());
        activeGroups = new long[active];
        for (int i = 0; i < active; i++) {
            activeGroups[i] = 1 + (long) i * config.groups() / active;
        }
    }

    void start() {
        for (int i = 0; i < config.clients(); i++) {
            Client c = new Client(i);
            clients.add(c);
            scheduler.after(random.between(0, 10_000_000L), () -> next(c));
        }
    }

    void stop() {
        stopped = true;
    }

    History history() {
        return recorder.history();
    }

    long acknowledged() {
        return acknowledged;
    }

    TreeSet<String> keysTouched() {
        return keysTouched;
    }

    static long groupOf(String key) {
        return Long.parseLong(key.substring(1, key.indexOf('/')));
    }

    private void next(Client c) {
        if (stopped) {
            return;
        }
        long group = activeGroups[random.nextInt(activeGroups.length)];
        String key = "g" + group + "/r" + random.nextInt(config.keysPerGroup());
        String value = "c" + c.index + "-" + (++c.counter);
        int dice = random.nextInt(100);
        Request req;
        if (dice < 40) {
            req = Request.put(key, value);
        } else if (dice < 75) {
            req = Request.get(key);
        } else {
            String expected = random.chance(0.7) ? lastWritten.get(key) : null;
            req = Request.cas(key, expected, value);
        }
        invoke(c, group, req, outcome -> scheduler.after(random.exponential(5_000_000L), () -> next(c)));
    }

    /** Runs one operation; {@code then} gets its outcome (FAIL when no node could take it). */
    private void invoke(Client c, long group, Request req, Consumer<Outcome> then) {
        RuntimeNode node = routing.pick(group);
        if (node == null) {
            scheduler.after(10_000_000L, () -> then.accept(Outcome.FAIL));
            return;
        }
        keysTouched.add(req.key());
        Invocation inv = recorder.invoke(c.id, req);
        RegisterMachine machine = node.machine();
        CompletableFuture<Long> f = switch (req.op()) {
            case PUT -> node.propose(group, RegisterMachine.put(req.key(), (String) req.value()));
            case CAS -> node.propose(group, RegisterMachine.cas(req.key(), (String) req.expected(),
                    (String) req.value()));
            case GET -> node.read(group);
            default -> throw new IllegalStateException("unexpected op " + req.op());
        };
        boolean[] done = new boolean[1];
        scheduler.after(config.opTimeoutNs(), () -> {
            if (!done[0]) {
                done[0] = true;
                finishUnknown(c, inv);
                then.accept(Outcome.UNKNOWN);
            }
        });
        f.whenComplete((index, error) -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            then.accept(complete(c, group, node, machine, req, inv, index, error));
        });
    }

    private Outcome complete(Client c, long group, RuntimeNode node, RegisterMachine machine, Request req,
                          Invocation inv, Long index, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e == null) {
            switch (req.op()) {
                case GET -> inv.okGet(machine.get(group, req.key()));
                case PUT -> {
                    acknowledge(group, index, node);
                    lastWritten.put(req.key(), (String) req.value());
                    inv.okPut();
                }
                case CAS -> {
                    Boolean swapped = machine.takeCasOutcome((String) req.value());
                    if (swapped == null) {
                        finishUnknown(c, inv); // applied here through a snapshot: the outcome is not known
                        return Outcome.UNKNOWN;
                    } else {
                        acknowledge(group, index, node);
                        if (swapped) {
                            lastWritten.put(req.key(), (String) req.value());
                        }
                        inv.okCas(swapped);
                    }
                }
                default -> throw new IllegalStateException("unexpected op " + req.op());
            }
            routing.led(group, node.id());
            return Outcome.OK;
        }
        if (e instanceof NotLeaderException nl) {
            routing.hinted(group, nl.leaderHint());
            inv.fail();
            return Outcome.FAIL;
        } else if (e instanceof RequestFailedException rf && req.op() != OpType.GET
                && (rf.reason() == RequestFailedException.Reason.TIMEOUT
                    || rf.reason() == RequestFailedException.Reason.CLOSED)) {
            finishUnknown(c, inv);
            return Outcome.UNKNOWN;
        } else if (e instanceof RuntimeException && !(e instanceof RequestFailedException)
                && !(e instanceof io.conclave.multiraft.node.BackPressureException)) {
            throw new IllegalStateException("unexpected failure of " + req, e);
        }
        inv.fail();
        return Outcome.FAIL;
    }

    private void acknowledge(long group, long index, RuntimeNode node) {
        acknowledged++;
        oracle.onAcknowledged(group, index);
        trace.record(scheduler.nowNs(), "client.ack", group, index, node.id(), 0);
    }

    private void finishUnknown(Client c, Invocation inv) {
        inv.unknown();
        c.id = recorder.newClient();
    }

    /**
     * After the faults: one LINEARIZABLE get of every key touched, retried until it succeeds or
     * {@code deadlineNs}; they join the history, so a lost acknowledged write shows there.
     * Returns the keys still unread (empty on success); the caller runs the scheduler.
     */
    void finalReads(long deadlineNs, List<String> unread) {
        unread.addAll(keysTouched);
        for (String key : new ArrayList<>(keysTouched)) {
            Client c = new Client(clients.size());
            clients.add(c);
            finalRead(c, key, deadlineNs, unread);
        }
    }

    private void finalRead(Client c, String key, long deadlineNs, List<String> unread) {
        if (scheduler.nowNs() > deadlineNs) {
            return;
        }
        invoke(c, groupOf(key), Request.get(key), outcome -> {
            if (outcome == Outcome.OK) {
                unread.remove(key);
            } else {
                scheduler.after(20_000_000L, () -> finalRead(c, key, deadlineNs, unread));
            }
        });
    }
}
