package io.conclave.multiraft.node;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader of every group hosted on a node, as its replicas last learned it: written by the
 * event loops on each change of leader, read by any thread (client routing, metadata answers)
 * without a trip to the loop. A hint, not a promise: the leader may have changed since.
 */
public final class LeaderTable {

    /** A group's leader (0: none known) in {@code term}. */
    public record Leader(long node, long term) {
        public static final Leader NONE = new Leader(0, 0);
    }

    private final ConcurrentHashMap<Long, Leader> leaders = new ConcurrentHashMap<>();

    void record(long groupId, long leader, long term) {
        leaders.put(groupId, new Leader(leader, term));
    }

    void forget(long groupId) {
        leaders.remove(groupId);
    }

    Leader get(long groupId) {
        return leaders.getOrDefault(groupId, Leader.NONE);
    }
}
