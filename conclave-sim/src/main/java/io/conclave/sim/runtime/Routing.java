package io.conclave.sim.runtime;

import io.conclave.sim.core.SimRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Where a simulated client sends a group's request: the node last seen leading it (nine times in
 * ten, while it is up), else any up node hosting a replica. Shared by the register and log
 * workloads; the scheduler's thread only.
 */
final class Routing {

    private final RuntimeNode[] nodes;
    private final SimRandom random;
    private final Map<Long, Long> leaderHint = new HashMap<>();
    /** The nodes a group's requests may go to (its hosts, not the learners it keeps for good); null: any replica's. */
    private final LongFunction<Set<Long>> hostsOf;

    Routing(RuntimeNode[] nodes, SimRandom random) {
        this(nodes, random, null);
    }

    /**
     * Routes a group's requests, when no leader is known, only to nodes among {@code hostsOf} (the voters and
     * a move's target, {@link Placement#hosts}): clients ask the controller voters, not its learners.
     */
    Routing(RuntimeNode[] nodes, SimRandom random, LongFunction<Set<Long>> hostsOf) {
        this.nodes = nodes;
        this.random = random;
        this.hostsOf = hostsOf;
    }

    /** The hinted leader or, failing that, any up replica; null when none is up. */
    RuntimeNode pick(long group) {
        Long hint = leaderHint.get(group);
        if (hint != null && nodes[hint.intValue()].isUp() && random.chance(0.9)) {
            return nodes[hint.intValue()];
        }
        return anyUp(group);
    }

    /** Any up node hosting a replica of {@code group} (among its hosts, when routing is limited to them), or null. */
    RuntimeNode anyUp(long group) {
        List<RuntimeNode> up = new ArrayList<>();
        Set<Long> allowed = hostsOf == null ? null : hostsOf.apply(group);
        for (int i = 1; i < nodes.length; i++) {
            if (nodes[i].isUp() && nodes[i].replica(group) != null && (allowed == null || allowed.contains((long) i))) {
                up.add(nodes[i]);
            }
        }
        return up.isEmpty() ? null : random.pick(up);
    }

    /** {@code node} answered as the group's leader. */
    void led(long group, long node) {
        leaderHint.put(group, node);
    }

    /** A refusal named {@code hint} as the leader (0 or an unknown id: no leader known). */
    void hinted(long group, long hint) {
        if (hint > 0 && hint < nodes.length) {
            leaderHint.put(group, hint);
        } else {
            leaderHint.remove(group);
        }
    }

    /** The group's leader is not known any more. */
    void forget(long group) {
        leaderHint.remove(group);
    }
}
