package io.conclave.sim.nemesis;

import io.conclave.sim.net.Network;
import io.conclave.sim.node.SimNode;
import java.util.List;

/** What a nemesis may act on: the cluster's nodes, network and control plane. */
public interface FaultTarget {

    int nodeCount();

    int groupCount();

    SimNode node(int id);

    Network network();

    /** Whether the lease-read safety assumption (bounded drift) must be kept: no bumps or large drift. */
    boolean leaseReads();

    double maxClockDrift();

    /** Crash then, after {@code downNs}, restart node {@code id}. */
    void crashFor(int id, long downNs);

    /** Wipe node {@code id}'s disk and rejoin it everywhere as new replicas; false when unsafe now. */
    boolean wipe(int id);

    /** Move one replica of {@code group} to a node that does not host it; false when not possible now. */
    boolean moveReplica(int group);

    /** Demote one voter of {@code group} to a learner (and promote it back later); false when not possible now. */
    boolean demoteVoter(int group, long promoteAfterNs);

    /** Ask the group's leader to hand over to another voter; false when there is no leader. */
    boolean transferLeadership(int group);

    /** The groups whose replica set the control plane is still changing. */
    List<Integer> reconfiguring();

    /** The node whose replica leads {@code group} now, or 0. */
    int leaderNode(int group);

    /** Counts one injected fault of a kind (for the run summary). */
    void countFault(String kind);
}
