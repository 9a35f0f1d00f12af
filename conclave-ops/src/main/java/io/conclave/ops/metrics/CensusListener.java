package io.conclave.ops.metrics;

import java.util.List;

/** Told of each census, on the census thread. Must not block. */
@FunctionalInterface
public interface CensusListener {

    void onCensus(CensusReport report, List<LeaderChange> changes);
}
