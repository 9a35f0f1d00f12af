package io.conclave.sim.runtime;

import io.conclave.partition.controller.ControllerResult;
import io.conclave.partition.controller.MetadataError;
import io.conclave.partition.controller.TopicHandlers;
import io.conclave.partition.metadata.ClusterImage;
import io.conclave.partition.metadata.TopicInfo;
import io.conclave.server.node.ControllerOps;
import io.conclave.sim.core.Scheduler;
import io.conclave.sim.core.SimRandom;
import io.conclave.sim.core.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An administrator per metadata group of a metadata run whose nodes reconcile: it creates topics of
 * its own ({@code "x<n>"}), deletes them again, and changes the replication factor of any topic of the
 * group (its own or the register clients'), through the controller's own handlers
 * ({@link TopicHandlers#createTopic}, {@link TopicHandlers#deleteTopic},
 * {@link TopicHandlers#setReplicationFactor}) on {@link MetadataPlane#execute}, as an operator's admin
 * requests reach {@code ControllerOps}. The nodes' reconcilers then create, move (membership changes
 * led by each partition's leader) and destroy the replicas.
 *
 * <p>Not recorded in the register history: a replication-factor change leaves a topic's
 * {@code retention.ms} (the registers' value) alone, and the administrator's own topics are no
 * register's key. Whether a seed churns at all, and how busy its active windows are, is drawn from a
 * stream of its own ({@code "topic-churn"}); active windows alternate with quiet periods, so some
 * seeds churn throughout, some in bursts, some never. Every refusal (an unknown topic, a replication
 * factor above the registered nodes) is an expected answer. Scheduler thread only.
 */
final class TopicChurn {

    /** Share of seeds that churn. */
    static final double SEEDS_CHURNING = 0.6;
    static final long WINDOW_NS_MEAN = 1_500_000_000L;
    static final long RETRY_NS = 20_000_000L;
    /** How long a change may go unanswered (its node crashed) before the administrator moves on. */
    static final long ANSWER_NS_MAX = 5_000_000_000L;
    /** Topics of its own an administrator keeps at most. */
    static final int OWN_TOPICS_MAX = 3;

    private final Scheduler scheduler;
    private final SimRandom random;
    private final Trace trace;
    private final Routing routing;
    private final RuntimeNode[] nodes;
    private final int groups;
    private final boolean churning;
    private final long opNsMean;
    private boolean active;
    private boolean stopped;
    private long created;
    private long deleted;
    private long factorsChanged;
    private final List<List<String>> own = new ArrayList<>();
    private int nextTopic;

    /** @param hostsOf the nodes a group's changes may go to when no leader is known (not its learners) */
    TopicChurn(Scheduler scheduler, SimRandom random, Trace trace, RuntimeNode[] nodes, int groups, boolean enabled,
               java.util.function.LongFunction<java.util.Set<Long>> hostsOf) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.routing = new Routing(nodes, random, hostsOf);
        this.nodes = nodes;
        this.groups = groups;
        this.churning = enabled && random.nextDouble() < SEEDS_CHURNING;
        this.opNsMean = random.between(100_000_000L, 600_000_000L);
        for (int g = 0; g <= groups; g++) {
            own.add(new ArrayList<>());
        }
    }

    void start() {
        if (!churning) {
            return;
        }
        active = random.nextDouble() < 0.5;
        scheduler.after(random.exponential(WINDOW_NS_MEAN), this::toggle);
        for (long g = 1; g <= groups; g++) {
            long group = g;
            scheduler.after(random.exponential(opNsMean), () -> next(group));
        }
    }

    void stop() {
        stopped = true;
    }

    long created() {
        return created;
    }

    long deleted() {
        return deleted;
    }

    long factorsChanged() {
        return factorsChanged;
    }

    private void toggle() {
        if (stopped) {
            return;
        }
        active = !active;
        trace.record(scheduler.nowNs(), "churn.window", active ? 1 : 0, 0, 0, 0);
        scheduler.after(random.exponential(WINDOW_NS_MEAN), this::toggle);
    }

    private void next(long group) {
        if (stopped) {
            return;
        }
        Runnable then = () -> scheduler.after(random.exponential(opNsMean), () -> next(group));
        if (!active) {
            then.run();
            return;
        }
        List<String> mine = own.get((int) group);
        double r = random.nextDouble();
        int maxFactor = Math.min(3, nodes.length - 1);
        if (mine.size() < OWN_TOPICS_MAX && (mine.isEmpty() || r < 0.35)) {
            String topic = "x" + (++nextTopic);
            int rf = 1 + random.nextInt(maxFactor);
            int partitions = 1 + random.nextInt(2);
            execute(group, img -> TopicHandlers.createTopic(img, topic, partitions, rf, java.util.Map.of()), ok -> {
                if (ok) {
                    created++;
                }
                mine.add(topic); // even when unknown: a later delete finds out
            }, then);
        } else if (!mine.isEmpty() && r < 0.65) {
            String topic = mine.remove(random.nextInt(mine.size()));
            execute(group, img -> TopicHandlers.deleteTopic(img, topic), ok -> {
                if (ok) {
                    deleted++;
                }
            }, then);
        } else {
            String topic = anyTopic(group);
            if (topic == null) {
                then.run();
                return;
            }
            int rf = 1 + random.nextInt(maxFactor);
            execute(group, img -> TopicHandlers.setReplicationFactor(img, topic, rf), ok -> {
                if (ok) {
                    factorsChanged++;
                }
            }, then);
        }
    }

    /** A topic of the group, drawn from the image of any node that is up (its name only: the controller validates). */
    private String anyTopic(long group) {
        RuntimeNode node = routing.anyUp(group);
        MetadataPlane plane = node == null ? null : node.metadataPlane();
        if (plane == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (TopicInfo t : plane.log(group).image().topics().values()) {
            names.add(t.name());
        }
        return names.isEmpty() ? null : names.get(random.nextInt(names.size()));
    }

    /**
     * One change at the node believed to lead the group, retried while no node could take it;
     * {@code done} learns whether it was applied (false on a refusal, a change another node must take,
     * or an outcome unknown after {@link #ANSWER_NS_MAX}).
     */
    private void execute(long group, Function<ClusterImage, ControllerResult<MetadataError>> handler,
                         java.util.function.Consumer<Boolean> done, Runnable then) {
        RuntimeNode node = routing.pick(group);
        MetadataPlane plane = node == null ? null : node.metadataPlane();
        if (plane == null) {
            scheduler.after(RETRY_NS, () -> {
                if (!stopped) {
                    execute(group, handler, done, then);
                }
            });
            return;
        }
        boolean[] answered = new boolean[1];
        scheduler.after(ANSWER_NS_MAX, () -> {
            if (!answered[0]) { // the node went down with the change: its outcome is unknown
                answered[0] = true;
                done.accept(false);
                then.run();
            }
        });
        plane.execute(group, handler).thenAccept(r -> {
            if (answered[0]) {
                return;
            }
            answered[0] = true;
            boolean ok = r.kind() == ControllerOps.Kind.DONE && r.refusal() == null;
            if (r.kind() == ControllerOps.Kind.NOT_DONE) {
                routing.hinted(group, r.leaderHint());
            } else if (r.kind() == ControllerOps.Kind.DONE || r.kind() == ControllerOps.Kind.REFUSED) {
                routing.led(group, node.id());
            }
            trace.record(scheduler.nowNs(), "churn.op", group, node.id(), r.kind().ordinal(), ok ? 1 : 0);
            done.accept(ok);
            then.run();
        });
    }
}
