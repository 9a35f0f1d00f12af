package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.cluster.SimResult;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * The server's reconciler ({@code io.conclave.server.node.Reconciler} with {@code LostReplicaCheck}) under
 * the simulator: topics created through the metadata workload become partition groups that the nodes'
 * reconcilers create on the nodes the image assigns, which elect leaders and take writes; a wiped node
 * recreates the partitions it had rejoining; every invariant (state-machine safety, one leader per term,
 * acknowledged writes survive, replicas converge, no misplaced replica) covers those groups.
 */
class ReconcilerSimulationTest {

    /** The metadata workload with wipes and network partitions only (both drawn often): what the loss check is for. */
    static RuntimeSimConfig wipes(long seed) {
        return MetadataOptions.withFrequentSnapshots(RuntimeSimConfig.defaults(seed, 1)
                .withFaults(EnumSet.of(RuntimeFault.PARTITION, RuntimeFault.WIPE)));
    }

    @Test
    void topicsBecomePartitionGroupsThatTheReconcilersCreateElectAndWriteUnderEveryFault() {
        SimResult r = RuntimeSimulation.runMetadata(MetadataSimulationTest.config(2), MetadataOptions.defaults(), null);

        assertThat(r.failure()).isNull();
        assertThat(r.checks()).containsEntry("partition-convergence", "valid").containsEntry("placement", "valid")
                .containsEntry("linearizability", "valid");
        assertThat(r.faults().get("partition-created")).as("replicas created plain by the reconcilers").isPositive();
        assertThat(r.faults().get("partition-writes-acked")).as("writes acknowledged on partition groups")
                .isPositive();
        assertThat(r.faults().get("node-registrations")).as("nodes that registered their incarnation").isPositive();
    }

    @Test
    void aWipedNodeRecreatesThePartitionsItHadRejoiningAndTheyConverge() {
        SimResult r = RuntimeSimulation.runMetadata(wipes(2), MetadataOptions.defaults(), null);

        assertThat(r.failure()).isNull();
        assertThat(r.faults().get("wipe")).as("wipes").isPositive();
        assertThat(r.faults().get("partition-created-rejoining")).as("replicas created rejoining after a wipe")
                .isPositive();
        assertThat(r.checks()).containsEntry("partition-convergence", "valid").containsEntry("placement", "valid");
    }

    @Test
    void aPartitionRunIsDeterministicInItsSeed() {
        SimResult a = RuntimeSimulation.runMetadata(wipes(4), MetadataOptions.defaults(), null);
        SimResult b = RuntimeSimulation.runMetadata(wipes(4), MetadataOptions.defaults(), null);

        assertThat(a.traceHash()).isEqualTo(b.traceHash());
        assertThat(a.faults()).isEqualTo(b.faults());
    }
}
