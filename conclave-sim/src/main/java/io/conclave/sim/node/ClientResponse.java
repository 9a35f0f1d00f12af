package io.conclave.sim.node;

import java.util.List;

/**
 * A node's answer to a {@link ClientRequest}.
 *
 * @param opId the request's id
 * @param ok true when the operation happened (result known); false when it definitely did not
 * @param value GET: the value read (null = absent)
 * @param swapped CAS: whether it swapped
 * @param offset APPEND: the offset given
 * @param values READ: the slice read
 * @param leaderHint the node the server believes leads the group, or 0
 */
public record ClientResponse(long opId, boolean ok, String value, boolean swapped, long offset, List<String> values,
                             int leaderHint) {

    public static ClientResponse fail(long opId, int leaderHint) {
        return new ClientResponse(opId, false, null, false, -1, List.of(), leaderHint);
    }
}
