package io.conclave.bench.storage;

import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.RealDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Shape (b): one append-only file per group (CRC32C-framed records, as a segment holds them); one
 * writer thread drains the queue, appends each entry to its group's file, then makes one fsync
 * pass over every file it dirtied, then completes the callbacks. One open file per group (a
 * SegmentLog holds three, which at 10,000 groups would pass this machine's 20,000-file limit), so
 * this is a lower bound on the cost of per-group segment files.
 */
final class FilesShape implements Shape {

    private record Req(int group, byte[] data, Runnable done) {
    }

    private final FileHandle[] files;
    private final ArrayBlockingQueue<Req> queue = new ArrayBlockingQueue<>(1 << 20);
    private final Thread writer;
    private volatile boolean running = true;
    private volatile long fsyncs;
    volatile Throwable failure;

    FilesShape(Path dir, int groups) throws IOException {
        RealDisk disk = new RealDisk(dir);
        files = new FileHandle[groups];
        for (int g = 0; g < groups; g++) {
            files[g] = disk.open("g" + g + ".log", OpenMode.CREATE);
        }
        disk.syncDir("");
        writer = new Thread(this::run, "files-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public String name() {
        return "per-group files + fsync pass";
    }

    @Override
    public boolean append(int group, byte[] data, Runnable done) {
        return queue.offer(new Req(group, data, done));
    }

    @Override
    public long fsyncs() {
        return fsyncs;
    }

    private void run() {
        List<Req> batch = new ArrayList<>();
        boolean[] dirty = new boolean[files.length];
        int[] dirtyList = new int[files.length];
        try {
            while (running) {
                Req first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                int nDirty = 0;
                for (Req r : batch) {
                    byte[] frame = frame(r.data);
                    files[r.group].append(frame, 0, frame.length);
                    if (!dirty[r.group]) {
                        dirty[r.group] = true;
                        dirtyList[nDirty++] = r.group;
                    }
                }
                for (int i = 0; i < nDirty; i++) {
                    files[dirtyList[i]].sync();
                    dirty[dirtyList[i]] = false;
                }
                fsyncs += nDirty;
                for (Req r : batch) {
                    r.done.run();
                }
                batch.clear();
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        CRC32C crc = new CRC32C();
        crc.update(data);
        b.putInt(data.length).putInt((int) crc.getValue()).put(data);
        return b.array();
    }

    @Override
    public void close() throws Exception {
        running = false;
        writer.join(10_000);
        for (FileHandle f : files) {
            f.close();
        }
    }
}
