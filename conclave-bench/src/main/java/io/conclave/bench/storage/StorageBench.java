package io.conclave.bench.storage;

import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.RealDisk;
import io.conclave.storage.engine.EngineConfig;
import io.conclave.storage.segment.RetentionPolicy;
import io.conclave.storage.segment.SegmentConfig;
import io.conclave.storage.wal.WalConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Durable append cost on a real disk, for 1 to 10,000 groups, in two shapes: (a) the shared WAL
 * with group commit, (b) per-group files with one fsync pass per round. Also the raw 4 KiB
 * append+fsync latency of the same disk, the physical limit.
 *
 * <pre>
 * java -cp conclave-bench/target/benchmarks.jar io.conclave.bench.storage.StorageBench \
 *     --groups 1,1000,10000 --seconds 10 [--shape wal|files|both] [--mode latency|throughput|both]
 *     [--rate 5000] [--window 4096] [--entry-bytes 1024] [--dir /tmp] [--raw-seconds 5]
 *     [--preallocate true|false]
 * </pre>
 *
 * Latency mode: an open loop at a fixed total rate (entries/s) spread round-robin over the groups;
 * latency is enqueue → durable callback. Throughput mode: a closed loop, each group keeping
 * max(1, window / groups) entries in flight, re-issuing from the durable callback. {@code --preallocate}
 * (default true, as a node runs) makes WAL files ahead of need ({@link WalConfig#preallocate()}); the
 * warm-up covers making the first one, and the setup line says how many files were preallocated.
 * {@link #run(String[], PrintStream, PrintStream)} takes the same arguments and returns the figures
 * ({@code bin/conclave bench --suite storage}).
 */
public final class StorageBench {

    /** The raw disk: 4 KiB append+fsync, one at a time. */
    public record Raw(long ops, int seconds, double p50Ms, double p99Ms, double p999Ms) {
    }

    /** One table row: a shape, a group count and a mode. */
    public record Row(String shape, int groups, String mode, String load, int entryBytes, double mbPerSecond,
                      double appendsPerSecond, double p50Ms, double p99Ms, double p999Ms, double fsyncsPerSecond,
                      long failedWrites) {
    }

    /** Everything one run measured; {@code raw} is null when {@code --raw-seconds 0}. */
    public record Report(Raw raw, List<Row> rows) {
    }

    private int[] groups = {1, 1000, 10000};
    private int seconds = 10;
    private int warmupSeconds = 2;
    private int rawSeconds = 5;
    private String shape = "both";
    private String mode = "both";
    private int rate = 5000;
    private int window = 4096;
    private int entryBytes = 1024;
    private boolean preallocate = true;
    private Path base = Path.of(System.getProperty("java.io.tmpdir"));
    private PrintStream out = System.out;
    private PrintStream err = System.err;

    public static void main(String[] args) throws Exception {
        run(args, System.out, System.err);
    }

    /**
     * Runs the bench with the command line's arguments, printing its table to {@code out} and setup
     * times to {@code err}; throws {@link IllegalArgumentException} for a bad argument.
     */
    public static Report run(String[] args, PrintStream out, PrintStream err) throws Exception {
        StorageBench b = new StorageBench();
        b.parse(args);
        b.out = out;
        b.err = err;
        return b.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--groups" -> groups = Stream.of(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(v);
                case "--raw-seconds" -> rawSeconds = Integer.parseInt(v);
                case "--shape" -> shape = v;
                case "--mode" -> mode = v;
                case "--rate" -> rate = Integer.parseInt(v);
                case "--window" -> window = Integer.parseInt(v);
                case "--entry-bytes" -> entryBytes = Integer.parseInt(v);
                case "--dir" -> base = Path.of(v);
                case "--preallocate" -> preallocate = parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; see the class Javadoc for the options");
            }
        }
        if (groups.length == 0 || java.util.Arrays.stream(groups).anyMatch(g -> g < 1) || seconds < 1
                || warmupSeconds < 0 || rawSeconds < 0 || rate < 1 || window < 1 || entryBytes < 1) {
            throw new IllegalArgumentException("groups, --seconds, --rate, --window and --entry-bytes must be >= 1,"
                    + " --warmup-seconds and --raw-seconds >= 0");
        }
        if (!List.of("wal", "files", "both").contains(shape) || !List.of("latency", "throughput", "both").contains(mode)) {
            throw new IllegalArgumentException("--shape is wal, files or both; --mode is latency, throughput or both");
        }
    }

    private Report run() throws Exception {
        out.printf("# StorageBench %s, %d cores, java %s, dir %s%n", java.time.Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), base);
        Raw raw = rawSeconds > 0 ? rawFsync() : null;
        List<Row> rows = new ArrayList<>();
        out.println("| shape | groups | mode | load | MB/s | appends/s | p50 ms | p99 ms | p99.9 ms | fsyncs/s |");
        out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int n : groups) {
            for (String s : List.of("wal", "files")) {
                if (!shape.equals("both") && !shape.equals(s)) {
                    continue;
                }
                for (String m : List.of("latency", "throughput")) {
                    if (!mode.equals("both") && !mode.equals(m)) {
                        continue;
                    }
                    rows.add(runOne(s, n, m));
                }
            }
        }
        return new Report(raw, List.copyOf(rows));
    }

    private Raw rawFsync() throws IOException {
        Path dir = Files.createTempDirectory(base, "raw-fsync");
        try {
            RealDisk disk = new RealDisk(dir);
            LatencyRecorder rec = new LatencyRecorder(1 << 22);
            byte[] block = new byte[4096];
            try (FileHandle f = disk.open("raw.dat", OpenMode.CREATE)) {
                rec.start();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(rawSeconds);
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    f.append(block, 0, block.length);
                    f.sync();
                    rec.record(System.nanoTime() - t0, block.length);
                }
            }
            out.printf(Locale.ROOT, "raw 4 KiB append+fsync: %d ops in %d s, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms%n%n",
                    rec.ops(), rawSeconds, rec.percentileMs(50), rec.percentileMs(99), rec.percentileMs(99.9));
            return new Raw(rec.ops(), rawSeconds, rec.percentileMs(50), rec.percentileMs(99), rec.percentileMs(99.9));
        } finally {
            deleteTree(dir);
        }
    }

    private static boolean parseBoolean(String v) {
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--preallocate is true or false, was '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private EngineConfig engineConfig() {
        SegmentConfig seg = new SegmentConfig(64L << 20, 4096, 16 << 20, 16 << 10, RetentionPolicy.UNLIMITED);
        return new EngineConfig(WalConfig.defaults().withPreallocate(preallocate), seg, 1000, 32, 8, 16, 64L << 20,
                4000);
    }

    private Row runOne(String shapeName, int n, String m) throws Exception {
        Path dir = Files.createTempDirectory(base, "storage-bench");
        try {
            long setupStart = System.nanoTime();
            try (Shape s = shapeName.equals("wal") ? new EngineShape(dir, n, engineConfig()) : new FilesShape(dir, n)) {
                double setupS = (System.nanoTime() - setupStart) / 1e9;
                LatencyRecorder rec = new LatencyRecorder(1 << 23);
                String load;
                long fsyncsBefore;
                long t0;
                if (m.equals("latency")) {
                    load = rate + " appends/s";
                    OpenLoop loop = new OpenLoop(s, n, rec);
                    loop.run(warmupSeconds, false);
                    fsyncsBefore = s.fsyncs();
                    t0 = System.nanoTime();
                    loop.run(seconds, true);
                } else {
                    int perGroup = Math.max(1, window / n);
                    load = (perGroup * n) + " in flight";
                    ClosedLoop loop = new ClosedLoop(s, n, perGroup, rec);
                    loop.start();
                    sleepS(warmupSeconds);
                    fsyncsBefore = s.fsyncs();
                    t0 = System.nanoTime();
                    rec.start();
                    sleepS(seconds);
                    rec.stop();
                    loop.stop();
                }
                double elapsedS = (System.nanoTime() - t0) / 1e9;
                long fsyncs = s.fsyncs() - fsyncsBefore;
                Row row = new Row(s.name(), n, m, load, entryBytes, rec.bytes() / elapsedS / 1e6, rec.ops() / elapsedS,
                        rec.percentileMs(50), rec.percentileMs(99), rec.percentileMs(99.9), fsyncs / elapsedS,
                        s instanceof EngineShape e ? e.failures : 0);
                out.printf(Locale.ROOT, "| %s | %d | %s | %s | %.1f | %.0f | %.3f | %.3f | %.3f | %.0f |%n",
                        row.shape(), n, m, load, row.mbPerSecond(), row.appendsPerSecond(), row.p50Ms(), row.p99Ms(),
                        row.p999Ms(), row.fsyncsPerSecond());
                if (row.failedWrites() > 0) {
                    out.println("  (" + row.failedWrites() + " failed writes)");
                }
                err.printf(Locale.ROOT, "  %s %d %s: setup %.1f s%s%n", shapeName, n, m, setupS,
                        s instanceof EngineShape e ? ", WAL files started " + e.engine().walFilesStarted()
                                + " (preallocated " + e.engine().walFilesPreallocated() + ")" : "");
                return row;
            }
        } finally {
            try {
                deleteTree(dir);
            } catch (IOException e) {
                err.println("could not delete " + dir + ": " + e);
            }
        }
    }

    /** Issues appends at a fixed total rate, round-robin over the groups. */
    private final class OpenLoop {
        private final Shape shape;
        private final int n;
        private final LatencyRecorder rec;
        private int nextGroup;
        private long rejected;

        OpenLoop(Shape shape, int n, LatencyRecorder rec) {
            this.shape = shape;
            this.n = n;
            this.rec = rec;
        }

        void run(int durationS, boolean record) {
            byte[] data = new byte[entryBytes];
            long intervalNs = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(durationS);
            long next = start;
            if (record) {
                rec.start();
            }
            while (next < end) {
                long now = System.nanoTime();
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                int g = nextGroup;
                nextGroup = (nextGroup + 1) % n;
                long t = System.nanoTime();
                if (!shape.append(g, data, () -> rec.record(System.nanoTime() - t, data.length))) {
                    rejected++;
                }
                next += intervalNs;
            }
            rec.stop();
        }
    }

    /** Keeps a fixed number of appends in flight per group, re-issuing from the callback. */
    private final class ClosedLoop {
        private final Shape shape;
        private final int n;
        private final int perGroup;
        private final LatencyRecorder rec;
        private volatile boolean running = true;
        private volatile long rejected;
        private final byte[] data = new byte[entryBytes];

        ClosedLoop(Shape shape, int n, int perGroup, LatencyRecorder rec) {
            this.shape = shape;
            this.n = n;
            this.perGroup = perGroup;
            this.rec = rec;
        }

        void start() {
            for (int k = 0; k < perGroup; k++) {
                for (int g = 0; g < n; g++) {
                    issue(g);
                }
            }
        }

        private void issue(int g) {
            if (!running) {
                return;
            }
            long t = System.nanoTime();
            if (!shape.append(g, data, () -> {
                rec.record(System.nanoTime() - t, data.length);
                issue(g);
            }) && running) {
                rejected++;
            }
        }

        void stop() {
            running = false;
        }
    }

    private static void sleepS(int s) throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(s));
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        }
        paths.sort(Comparator.reverseOrder());
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
