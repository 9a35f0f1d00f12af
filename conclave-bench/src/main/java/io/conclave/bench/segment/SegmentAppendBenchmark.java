package io.conclave.bench.segment;

import io.conclave.raft.Entry;
import io.conclave.storage.disk.RealDisk;
import io.conclave.storage.segment.SegmentConfig;
import io.conclave.storage.segment.SegmentLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One operation = append a batch of {@code batchEntries} entries of {@code entryBytes} to a
 * {@link SegmentLog} on the real disk, then {@code sync()} (fdatasync; a directory fsync when a segment
 * rolled). Entries per second = batchEntries / (time per operation). The directory is
 * {@code -Dconclave.bench.dir} (default: the JVM's temp directory), which must be on the disk to measure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SegmentAppendBenchmark {

    @Param({"1024"})
    public int entryBytes;

    @Param({"1", "16", "128"})
    public int batchEntries;

    @Param({"true"})
    public boolean sync;

    private Path dir;
    private SegmentLog log;
    private List<Entry> batch;
    private long term = 1;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path parent = Path.of(System.getProperty("conclave.bench.dir", System.getProperty("java.io.tmpdir")));
        dir = Files.createTempDirectory(parent, "segment-bench");
        log = SegmentLog.open(new RealDisk(dir), "log", SegmentConfig.DEFAULT);
        byte[] data = new byte[entryBytes];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        batch = new ArrayList<>(batchEntries);
        for (int i = 0; i < batchEntries; i++) {
            batch.add(Entry.normal(term, i + 1, data));
        }
    }

    /** Keeps the files small between iterations: the log restarts after a snapshot at its last index. */
    @Setup(Level.Iteration)
    public void reset() throws IOException {
        log.reset(log.lastIndex(), term);
    }

    @Benchmark
    public long appendAndSync() throws IOException {
        long first = log.lastIndex() + 1;
        List<Entry> placed = new ArrayList<>(batchEntries);
        for (int i = 0; i < batchEntries; i++) {
            placed.add(batch.get(i).withTermAndIndex(term, first + i));
        }
        log.append(placed, 0);
        if (sync) {
            log.sync();
        }
        return log.lastIndex();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        log.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
