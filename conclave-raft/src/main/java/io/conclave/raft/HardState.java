package io.conclave.raft;

/**
 * The state that must be durable before a node sends anything that depends on it.
 *
 * @param term the latest term this node has seen
 * @param vote the node voted for in {@code term}, or 0 for none
 * @param commit the highest index known committed
 */
public record HardState(long term, long vote, long commit) {

    public static final HardState EMPTY = new HardState(0, 0, 0);

    public HardState {
        if (term < 0 || vote < 0 || commit < 0) {
            throw new IllegalArgumentException("negative hard state: " + term + "/" + vote + "/" + commit);
        }
    }

    public boolean isEmpty() {
        return term == 0 && vote == 0 && commit == 0;
    }
}
