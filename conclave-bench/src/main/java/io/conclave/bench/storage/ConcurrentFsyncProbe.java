package io.conclave.bench.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What three nodes' WALs on one disk cost each other: {@code --writers} threads, each appending
 * {@code --bytes} at a time to its own file with an fdatasync after every write, about one write per
 * {@code --gap-us} (single STRONG writes on three node processes make one WAL write each, a few
 * hundred a second). Mode {@code append} grows the files as the WAL does today (every fdatasync then
 * also journals the new size); {@code prealloc} zero-fills them first and overwrites, as recycled WAL
 * files would (docs/storage-wal.md, "Not recycled (yet)"). Prints p50/p90/p99 per writer.
 *
 * <pre>
 * java -cp conclave-bench/target/benchmarks.jar io.conclave.bench.storage.ConcurrentFsyncProbe \
 *     [--dir /tmp] [--writers 3] [--count 3000] [--bytes 1100] [--gap-us 500] [--mode append|prealloc]
 * </pre>
 */
public final class ConcurrentFsyncProbe {

    private static final List<String> OPTIONS = List.of("--dir", "--writers", "--count", "--bytes", "--gap-us", "--mode");

    private ConcurrentFsyncProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(arg(args, "dir", System.getProperty("java.io.tmpdir")));
        int writers = Integer.parseInt(arg(args, "writers", "3"));
        int count = Integer.parseInt(arg(args, "count", "3000"));
        int bytes = Integer.parseInt(arg(args, "bytes", "1100"));
        long gapNs = Long.parseLong(arg(args, "gap-us", "500")) * 1_000;
        String mode = arg(args, "mode", "append");
        if (writers < 1 || count < 100 || bytes < 1 || gapNs < 0 || !(mode.equals("append") || mode.equals("prealloc"))) {
            throw new IllegalArgumentException("need --writers >= 1, --count >= 100, --bytes >= 1, --gap-us >= 0,"
                    + " --mode append|prealloc");
        }
        List<Thread> threads = new ArrayList<>();
        String[] results = new String[writers];
        for (int w = 0; w < writers; w++) {
            int id = w;
            Path file = dir.resolve("conclave-fsync-probe-" + ProcessHandle.current().pid() + "-" + w);
            threads.add(new Thread(() -> results[id] = writer(file, mode, count, bytes, gapNs), "fsync-probe-" + w));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        for (int w = 0; w < writers; w++) {
            System.out.println("writer " + w + " " + results[w]);
        }
    }

    private static String writer(Path file, String mode, int count, int bytes, long gapNs) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE)) {
            if (mode.equals("prealloc")) {
                ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
                for (long off = 0; off < (long) count * bytes; off += zeros.capacity()) {
                    zeros.clear();
                    ch.write(zeros, off);
                }
                ch.force(true);
            }
            ByteBuffer b = ByteBuffer.allocate(bytes);
            Arrays.fill(b.array(), (byte) 7);
            LatencyRecorder rec = new LatencyRecorder(count);
            rec.start();
            for (int i = 0; i < count; i++) {
                b.clear();
                long t0 = System.nanoTime();
                ch.write(b, (long) i * bytes);
                ch.force(false);
                rec.record(System.nanoTime() - t0, bytes);
                LockSupport.parkNanos(gapNs);
            }
            return String.format(Locale.ROOT, "%s p50=%.3f ms p90=%.3f ms p99=%.3f ms", mode, rec.percentileMs(50),
                    rec.percentileMs(90), rec.percentileMs(99));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of {@code --name}, or {@code fallback}; an option this probe does not take is an error. */
    private static String arg(String[] args, String name, String fallback) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("arguments come in pairs: --name value");
        }
        String value = fallback;
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + OPTIONS);
            }
            if (args[i].equals("--" + name)) {
                value = args[i + 1];
            }
        }
        return value;
    }
}
