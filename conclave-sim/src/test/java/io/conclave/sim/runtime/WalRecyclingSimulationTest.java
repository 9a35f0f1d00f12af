package io.conclave.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.sim.SimOptions;
import io.conclave.sim.cluster.SimResult;
import org.assertj.core.api.Assertions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * The nodes recycle their WAL files (a reclaimed file becomes the next one, its old frames left behind the
 * new records) under every fault: with 16 KiB WAL files ({@code --wal-file-bytes 16384}) each run reclaims
 * and recycles about ten, where the default length rarely gets a run past its second file. Every checker
 * must pass, and the runs must really have recycled. The replay rules themselves are planted and caught
 * in {@code WalRecyclingTest} (storage), whose files line the two lives' frames up on purpose: replaying
 * an earlier life's frames as records was not caught by these 40 runs (those records mostly repeat what the
 * segments already hold, and random batches rarely end where an old frame begins). What these runs add is
 * the node under crashes, torn writes, corruption, full disks and restarts with recycled files; the first
 * sweep with recycling found a replay bug that way (seed 96 of {@code --runtime --nemesis all}: a cut WAL
 * file read as a clean end; {@code PreallocatedWalTest}).
 */
class WalRecyclingSimulationTest {

    private static final String WAL_BYTES = "16384";

    /**
     * Runs seeds 1..{@code seeds} through {@code run}, asserts each passed with {@code check} valid, and
     * that together they recycled at least one WAL file a run.
     */
    private static void recyclingRunsPass(int seeds, String check, LongFunction<SimResult> run) {
        List<String> failures = new ArrayList<>();
        long recycled = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            SimResult r = run.apply(seed);
            if (!r.passed()) {
                failures.add("seed " + seed + ": " + r.failure());
            }
            assertThat(r.checks()).containsEntry(check, "valid");
            recycled += r.faults().getOrDefault("wal-files-recycled", 0L);
        }
        assertThat(failures).isEmpty();
        assertThat(recycled).as("WAL files recycled over the runs").isGreaterThanOrEqualTo(seeds);
    }

    private static SimOptions options(long seed, String... more) {
        List<String> args = new ArrayList<>(List.of("--seed", Long.toString(seed), "--runtime", "--nemesis", "all",
                "--wal-file-bytes", WAL_BYTES));
        args.addAll(List.of(more));
        return SimOptions.parse(args.toArray(String[]::new));
    }

    @Test
    void runsOfTheRuntimeThatRecycleWalFilesPassEveryChecker() {
        recyclingRunsPass(30, "linearizability", seed -> RuntimeSimulation.run(options(seed).runtimeConfig(seed)));
    }

    @Test
    void runsOfTheDataPlaneThatRecycleWalFilesPassEveryChecker() {
        recyclingRunsPass(10, "log-scan", seed -> {
            SimOptions opts = options(seed, "--workload", "log");
            return RuntimeSimulation.runLog(opts.runtimeConfig(seed), opts.logOptions(), null);
        });
    }

    @Test
    void theOptionNeedsTheRuntimeAndAFileOfAtLeastFourKibibytes() {
        Assertions.assertThatThrownBy(() -> SimOptions.parse(new String[] {"--seed", "1",
                "--wal-file-bytes", WAL_BYTES})).hasMessageContaining("--wal-file-bytes needs --runtime");
        Assertions.assertThatThrownBy(() -> SimOptions.parse(new String[] {"--seed", "1",
                "--runtime", "--wal-file-bytes", "100"})).hasMessageContaining("must be >= 4096");
    }
}
