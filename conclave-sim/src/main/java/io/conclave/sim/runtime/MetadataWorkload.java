package io.conclave.sim.runtime;

import io.conclave.check.history.History;
import io.conclave.check.history.HistoryRecorder;
import io.conclave.check.history.HistoryRecorder.Invocation;
import io.conclave.check.history.HistoryRecorder.Request;
import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.ErrorCode;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicConfig;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.server.node.ControllerOps;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Clients of the controller's metadata path, recorded as a register history: the key is a topic of a
 * group ({@code "m<group>/t<slot>.<generation>"}: each slot's clients move on to a fresh topic after
 * {@link MetadataOptions#opsPerTopicMax} operations or {@link MetadataOptions#unknownsPerTopicMax} unknown
 * outcomes, so every key's history stays searchable), its value the topic's {@code retention.ms}, unique per operation
 * (a client number and a counter). Create is {@code cas(nil → v)} (it succeeds iff the topic is absent);
 * a conditional config change (expected current value) is {@code cas(u → v)}; an unconditional one is
 * {@code put(v)} (refused, and so {@code fail}, when the topic is absent); describe is {@code get}, run
 * as the controller runs any change that writes nothing: on the leader after a ReadIndex barrier. Every
 * operation goes through {@link MetadataPlane#execute} with the controller's own handlers
 * ({@link TopicHandlers}). Before a group's first topic operation the clients register every node in it
 * that is up, at its current incarnation, unless the node registered itself first
 * ({@link NodeReconciliation}) (a topic's replication factor may not exceed the registered nodes); those
 * joins are not recorded.
 * One operation per client at a time; an attempt that certainly did not happen is retried until the
 * operation's time runs out ({@code fail}); one that may have happened ends it as {@code unknown} and
 * the client continues under a new id. Runs on the scheduler's thread.
 */
final class MetadataWorkload {

    private static final long RETRY_NS = 10_000_000L;

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final RuntimeNode[] nodes;
    private final RuntimeSimConfig config;
    private final MetadataOptions options;
    private final HistoryRecorder recorder;
    private final Routing routing;
    private final int groups;
    private final boolean[] ready;
    /** The last value each key was seen to hold (read or written), for the next conditional change. */
    private final Map<String, String> lastSeen = new HashMap<>();
    private final List<Client> clients = new ArrayList<>();
    /** Per group and slot: the slot's current topic generation, operations invoked on it, unknown outcomes. */
    private final Map<String, int[]> slots = new HashMap<>();
    /** Every topic the clients used, per group, for the final reads. */
    private final Map<Long, java.util.TreeSet<String>> topicsUsed = new java.util.TreeMap<>();
    private boolean stopped;

    private final class Client {
        int id = recorder.newClient();
        final int index;
        final long group;
        final int slot;
        String topic;
        long counter;

        Client(int index, long group, int slot, String topic) {
            this.index = index;
            this.group = group;
            this.slot = slot;
            this.topic = topic;
        }

        /** Takes the slot's current topic for the next operation, opening a fresh one when it had its share. */
        void nextTopic() {
            int[] s = slots.computeIfAbsent(group + "/" + slot, k -> new int[3]);
            if (s[1] >= options.opsPerTopicMax() || s[2] >= options.unknownsPerTopicMax()) {
                s[0]++;
                s[1] = 0;
                s[2] = 0;
            }
            s[1]++;
            topic = "t" + slot + "." + s[0];
            topicsUsed.computeIfAbsent(group, g -> new java.util.TreeSet<>()).add(topic);
        }

        String key() {
            return keyOf(group, topic);
        }

        String nextValue() {
            return Long.toString((index + 1) * 1_000_000L + (++counter));
        }
    }

    /** Completes an invocation from a definite answer: the image after the change, or the handler's refusal. */
    @FunctionalInterface
    private interface Answer {
        void complete(Invocation inv, ClusterImage image, MetadataError refusal);
    }

    /** @param hostsOf the nodes a group's requests may go to when no leader is known (not its learners) */
    MetadataWorkload(Scheduler scheduler, SimRandom random, Trace trace, RuntimeNode[] nodes, RuntimeSimConfig config,
                     MetadataOptions options, java.util.function.LongFunction<java.util.Set<Long>> hostsOf) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.nodes = nodes;
        this.config = config;
        this.options = options.validate();
        this.recorder = new HistoryRecorder(scheduler::nowNs);
        this.routing = new Routing(nodes, random, hostsOf);
        this.groups = Math.min(config.groups(), config.activeGroupsMax());
        this.ready = new boolean[groups + 1];
    }

    static String keyOf(long group, String topic) {
        return "m" + group + "/" + topic;
    }

    void start() {
        for (long g = 1; g <= groups; g++) {
            for (int t = 0; t < options.topicsPerGroup(); t++) {
                for (int i = 0; i < options.clientsPerTopic(); i++) {
                    Client c = new Client(clients.size(), g, t, null);
                    clients.add(c);
                    scheduler.after(random.between(0, 10_000_000L), () -> next(c));
                }
            }
        }
    }

    void stop() {
        stopped = true;
    }

    History history() {
        return recorder.history();
    }

    private void next(Client c) {
        if (stopped) {
            return;
        }
        Runnable then = () -> scheduler.after(random.exponential(5_000_000L), () -> next(c));
        if (!ready[(int) c.group]) {
            register(c, then);
            return;
        }
        c.nextTopic();
        double r = random.nextDouble();
        String seen = lastSeen.get(c.key());
        if (r < 0.35) {
            describe(c, options.plantedLocalReads(), ok -> then.run());
        } else if (r < 0.55 || seen == null) {
            create(c, then);
        } else if (r < 0.85) {
            alter(c, seen, then);
        } else {
            put(c, then);
        }
    }

    // ================================ operations ================================

    /** Creates the topic with a new value: {@code cas(nil → v)}. */
    private void create(Client c, Runnable then) {
        String v = c.nextValue();
        String topic = c.topic; // captured: the handler may run after the client moved on (an unknown outcome)
        String key = c.key();
        int rf = 1 + random.nextInt(Math.min(3, config.nodes()));
        int partitions = 1 + random.nextInt(2);
        Invocation inv = recorder.invoke(c.id, Request.cas(key, null, v));
        run(c, inv, img -> TopicHandlers.createTopic(img, topic, partitions, rf, Map.of(TopicConfig.RETENTION_MS, v)),
                (i, image, refusal) -> {
                    if (refusal == null) {
                        lastSeen.put(key, v);
                        i.okCas(true);
                    } else {
                        expect(refusal, ErrorCode.TOPIC_EXISTS);
                        i.okCas(false);
                    }
                }, then);
    }

    /** Changes the value only if it is {@code expected}: {@code cas(expected → v)}. */
    private void alter(Client c, String expected, Runnable then) {
        String v = c.nextValue();
        String topic = c.topic;
        String key = c.key();
        Invocation inv = recorder.invoke(c.id, Request.cas(key, expected, v));
        run(c, inv, img -> TopicHandlers.alterTopicConfig(img, topic, Map.of(TopicConfig.RETENTION_MS, v),
                        Map.of(TopicConfig.RETENTION_MS, expected)),
                (i, image, refusal) -> {
                    if (refusal == null) {
                        lastSeen.put(key, v);
                        i.okCas(true);
                    } else {
                        expect(refusal, ErrorCode.CONFIG_MISMATCH, ErrorCode.UNKNOWN_TOPIC);
                        i.okCas(false);
                    }
                }, then);
    }

    /** Changes the value unconditionally: {@code put(v)}; refused (so {@code fail}) when the topic is absent. */
    private void put(Client c, Runnable then) {
        String v = c.nextValue();
        String topic = c.topic;
        String key = c.key();
        Invocation inv = recorder.invoke(c.id, Request.put(key, v));
        run(c, inv, img -> TopicHandlers.alterTopicConfig(img, topic, Map.of(TopicConfig.RETENTION_MS, v), Map.of()),
                (i, image, refusal) -> {
                    if (refusal == null) {
                        lastSeen.put(key, v);
                        i.okPut();
                    } else {
                        expect(refusal, ErrorCode.UNKNOWN_TOPIC);
                        i.fail();
                    }
                }, then);
    }

    /**
     * Describes the topic: {@code get}. Through the controller (a change that writes nothing: leader
     * check, ReadIndex barrier, then the image); {@code local} (the planted bug), from the local image of
     * any node. {@code then} gets whether it succeeded.
     */
    private void describe(Client c, boolean local, java.util.function.Consumer<Boolean> then) {
        String topic = c.topic;
        String key = c.key();
        Invocation inv = recorder.invoke(c.id, Request.get(key));
        if (local) {
            RuntimeNode node = routing.anyUp(c.group);
            MetadataPlane plane = node == null ? null : node.metadataPlane();
            if (plane == null) {
                inv.fail();
                scheduler.after(RETRY_NS, () -> then.accept(false));
            } else {
                inv.okGet(retentionOf(plane.log(c.group).image(), topic));
                then.accept(true);
            }
            return;
        }
        boolean[] ok = new boolean[1];
        run(c, inv, img -> ControllerResult.of(MetadataError.NONE), (i, image, refusal) -> {
            String v = retentionOf(image, topic);
            if (v != null) {
                lastSeen.put(key, v);
            }
            i.okGet(v);
            ok[0] = true;
        }, () -> then.accept(ok[0]));
    }

    private static String retentionOf(ClusterImage image, String topic) {
        return image.topic(topic).map(t -> t.config().get(TopicConfig.RETENTION_MS)).orElse(null);
    }

    private static void expect(MetadataError refusal, ErrorCode... codes) {
        for (ErrorCode code : codes) {
            if (refusal.code() == code) {
                return;
            }
        }
        throw new IllegalStateException("the controller refused a workload operation unexpectedly: " + refusal);
    }

    // ================================ attempts ================================

    private void run(Client c, Invocation inv, Function<ClusterImage, ControllerResult<MetadataError>> handler,
                     Answer answer, Runnable then) {
        attempt(c, inv, handler, answer, scheduler.nowNs() + config.opTimeoutNs(), then);
    }

    /**
     * One attempt at the node believed to lead the group. Not the leader, or a failure before anything
     * was proposed: retried, until the deadline ({@code fail}: no attempt happened). A proposal whose
     * answer was lost, or no answer by the deadline: {@code unknown}.
     */
    private void attempt(Client c, Invocation inv, Function<ClusterImage, ControllerResult<MetadataError>> handler,
                         Answer answer, long deadlineNs, Runnable then) {
        if (scheduler.nowNs() >= deadlineNs) {
            inv.fail();
            then.run();
            return;
        }
        RuntimeNode node = routing.pick(c.group);
        MetadataPlane plane = node == null ? null : node.metadataPlane();
        Runnable retry = () -> attempt(c, inv, handler, answer, deadlineNs, then);
        if (plane == null) {
            scheduler.after(RETRY_NS, retry);
            return;
        }
        boolean[] done = new boolean[1];
        scheduler.after(deadlineNs - scheduler.nowNs(), () -> {
            if (!done[0]) {
                done[0] = true;
                unknown(c, inv, then);
            }
        });
        plane.execute(c.group, handler).thenAccept(r -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            switch (r.kind()) {
                case DONE, REFUSED -> {
                    routing.led(c.group, node.id());
                    answer.complete(inv, r.image(), r.refusal());
                    trace.record(scheduler.nowNs(), "client.metadata", c.group, c.index, node.id(),
                            r.kind() == ControllerOps.Kind.DONE ? 1 : 0);
                    then.run();
                }
                case NOT_DONE -> {
                    routing.hinted(c.group, r.leaderHint());
                    scheduler.after(RETRY_NS, retry);
                }
                case MAYBE -> unknown(c, inv, then);
                default -> throw new IllegalStateException("unknown result " + r);
            }
        });
    }

    private void unknown(Client c, Invocation inv, Runnable then) {
        inv.unknown();
        int[] s = slots.get(c.group + "/" + c.slot);
        if (s != null && c.topic.equals("t" + c.slot + "." + s[0])) {
            s[2]++;
        }
        c.id = recorder.newClient();
        then.run();
    }

    // ================================ setup and final reads ================================

    /** Registers one node the group's image lacks (not recorded); the group is ready once all are in. */
    private void register(Client c, Runnable then) {
        RuntimeNode node = routing.pick(c.group);
        MetadataPlane plane = node == null ? null : node.metadataPlane();
        if (plane == null) {
            scheduler.after(RETRY_NS, then);
            return;
        }
        plane.execute(c.group, img -> {
            for (long n = 1; n <= config.nodes(); n++) {
                long incarnation = nodes[(int) n].incarnation(); // 0: down, it registers itself once up
                if (!img.nodes().containsKey(n) && incarnation > 0) {
                    return TopicHandlers.registerNode(img, n, incarnation, "sim-node-" + n, 9000 + (int) n,
                            10000 + (int) n, "rack-" + (n - 1) % 3);
                }
            }
            return ControllerResult.of(MetadataError.NONE);
        }).thenAccept(r -> {
            if (r.kind() == ControllerOps.Kind.DONE && r.image().nodes().size() >= config.nodes()) {
                ready[(int) c.group] = true;
            }
            if (r.kind() == ControllerOps.Kind.NOT_DONE) {
                routing.hinted(c.group, r.leaderHint());
            }
            scheduler.after(RETRY_NS, then);
        });
    }

    /**
     * After the faults: one describe of every topic through the controller, retried until it succeeds or
     * {@code deadlineNs}. Returns through {@code unread} the keys still unread.
     */
    void finalReads(long deadlineNs, List<String> unread) {
        for (Map.Entry<Long, java.util.TreeSet<String>> e : topicsUsed.entrySet()) {
            for (String topic : e.getValue()) {
                Client c = new Client(clients.size(), e.getKey(), -1, topic);
                clients.add(c);
                unread.add(c.key());
                finalRead(c, deadlineNs, unread);
            }
        }
    }

    private void finalRead(Client c, long deadlineNs, List<String> unread) {
        if (scheduler.nowNs() > deadlineNs) {
            return;
        }
        // through the controller even with the planted bug: the final reads check what the cluster holds
        describe(c, false, ok -> {
            if (ok) {
                unread.remove(c.key());
            } else {
                scheduler.after(20_000_000L, () -> finalRead(c, deadlineNs, unread));
            }
        });
    }
}
