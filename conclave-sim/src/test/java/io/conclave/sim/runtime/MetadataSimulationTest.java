package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.history.OpType;
import io.conclave.check.history.Operation;
import io.conclave.sim.cluster.SimResult;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The controller's metadata path (the server's MetadataLog and the controller's handlers) under the
 * runtime nemesis: topics created, altered and described stay linearizable registers, every replica's
 * image converges, and the images were snapshotted and restored along the way.
 */
class MetadataSimulationTest {

    static RuntimeSimConfig config(long seed) {
        return MetadataOptions.withFrequentSnapshots(RuntimeSimConfig.defaults(seed, 2).withFaultNs(5_000_000_000L));
    }

    static long count(SimResult r, Predicate<Operation> p) {
        return r.history().operations().stream().filter(o -> o.isOk() && p.test(o)).count();
    }

    @Test
    void topicChangesAndDescribesThroughTheRealControllerStayLinearizableUnderFaults() {
        long snapshots = 0;
        long restores = 0;
        for (long seed = 1; seed <= Long.getLong("metadataSeeds", 2); seed++) {
            SimResult r = RuntimeSimulation.runMetadata(config(seed), MetadataOptions.defaults(), null);
            assertThat(r.failure()).as("seed " + seed).isNull();
            assertThat(r.checks()).containsEntry("linearizability", "valid").containsEntry("image-convergence", "valid");
            assertThat(count(r, o -> o.op() == OpType.CAS && o.expected() == null && o.swapped()))
                    .as("topics created").isPositive();
            assertThat(count(r, o -> o.op() == OpType.CAS && o.expected() != null && o.swapped()))
                    .as("conditional config changes applied").isPositive();
            assertThat(count(r, o -> o.op() == OpType.CAS && !o.swapped())).as("creates or changes refused").isPositive();
            assertThat(count(r, o -> o.op() == OpType.PUT)).as("unconditional config changes").isPositive();
            assertThat(count(r, o -> o.op() == OpType.GET && o.value() != null)).as("describes that saw a topic")
                    .isPositive();
            snapshots += r.faults().get("metadata-snapshot");
            restores += r.faults().get("metadata-restore");
        }
        assertThat(snapshots).as("metadata snapshots taken").isPositive();
        assertThat(restores).as("metadata snapshots restored").isPositive();
    }

    @Test
    void aMetadataRunIsDeterministicInItsSeed() {
        SimResult a = RuntimeSimulation.runMetadata(config(3), MetadataOptions.defaults(), null);
        SimResult b = RuntimeSimulation.runMetadata(config(3), MetadataOptions.defaults(), null);
        assertThat(a.traceHash()).isEqualTo(b.traceHash());
        assertThat(a.history().operations()).isEqualTo(b.history().operations());
    }
}
