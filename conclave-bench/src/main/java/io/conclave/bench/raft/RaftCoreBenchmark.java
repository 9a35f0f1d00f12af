package io.conclave.bench.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Committed entries per second of the pure Raft core: a 3-node in-memory cluster on one thread, the
 * leader proposing batches of 1 KiB entries; one operation is one entry committed and applied on
 * the leader (hence {@code @OperationsPerInvocation(batch)}), so the score is entries/s and
 * {@code -prof gc}'s gc.alloc.rate.norm is bytes allocated per committed entry, across all three
 * nodes. Payload arrays are allocated once: the figure is the core's and the host loop's own.
 *
 * <p>Run: {@code java -jar conclave-bench/target/benchmarks.jar RaftCoreBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RaftCoreBenchmark {

    public static final int ENTRY_BYTES = 1024;

    private InMemoryCluster cluster;
    private List<byte[]> batch1;
    private List<byte[]> batch16;
    private List<byte[]> batch256;

    @Setup
    public void setUp() {
        cluster = new InMemoryCluster(3);
        batch1 = payloads(1);
        batch16 = payloads(16);
        batch256 = payloads(256);
    }

    private static List<byte[]> payloads(int n) {
        List<byte[]> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[ENTRY_BYTES];
            b[0] = (byte) i;
            l.add(b);
        }
        return List.copyOf(l);
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public int batchOf1() {
        return commit(batch1);
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public int batchOf16() {
        return commit(batch16);
    }

    @Benchmark
    @OperationsPerInvocation(256)
    public int batchOf256() {
        return commit(batch256);
    }

    private int commit(List<byte[]> batch) {
        int n = cluster.proposeAndSettle(batch);
        if (n != batch.size()) {
            throw new IllegalStateException("expected " + batch.size() + " entries applied on the leader, got " + n);
        }
        return n;
    }
}
