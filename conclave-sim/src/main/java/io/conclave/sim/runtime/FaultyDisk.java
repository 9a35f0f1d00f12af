package io.conclave.sim.runtime;

import io.conclave.sim.core.SimRandom;
import io.conclave.storage.disk.Disk;
import io.conclave.storage.disk.DiskFullException;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.ForwardingDisk;
import java.io.IOException;

/**
 * A node's view of its disk with the faults the runtime nemesis turns on and off: read errors (each
 * read fails with an {@link IOException} with a drawn probability while they are on) and — only as the
 * planted bug {@code lying-full-disk} — a write that does not fit is silently dropped and reported as
 * done, as a file system or storage layer that ignores ENOSPC from a short write would; its syncs then
 * succeed, so the group commit acknowledges what never reached the disk. The segment writer's
 * always-on size check ("written behind the log's back") is what stops it; with only the WAL lying,
 * 14 seeds of full disks and crashes passed — one lying replica is outvoted by the two honest ones. Full disks themselves are the
 * {@code SimDisk}'s capacity (writes past it throw {@link DiskFullException}).
 */
final class FaultyDisk extends ForwardingDisk {

    /** The node's disk faults, kept across incarnations (the disk object changes with every crash). */
    static final class Faults {
        private final SimRandom random;
        private final boolean lyingFullDisk;
        private double readErrorRate;
        private boolean full;
        private long readErrors;
        private long writesSwallowed;

        Faults(SimRandom random, boolean lyingFullDisk) {
            this.random = random;
            this.lyingFullDisk = lyingFullDisk;
        }

        void setReadErrorRate(double rate) {
            readErrorRate = rate;
        }

        void setFull(boolean on) {
            full = on;
        }

        boolean full() {
            return full;
        }

        boolean readErrorsOn() {
            return readErrorRate > 0;
        }

        /** Whether an I/O error now may be the injected fault's rather than a bug's. */
        boolean active() {
            return full || readErrorRate > 0;
        }

        long readErrors() {
            return readErrors;
        }

        long writesSwallowed() {
            return writesSwallowed;
        }
    }

    private final Faults faults;

    FaultyDisk(Disk disk, Faults faults) {
        super(disk);
        this.faults = faults;
    }

    @Override
    protected FileHandle wrap(String path, FileHandle h) {
        boolean lies = faults.lyingFullDisk;
        return new ForwardingFile(h) {
            @Override
            public int read(long pos, byte[] dst, int off, int len) throws IOException {
                if (faults.readErrorRate > 0 && faults.random.chance(faults.readErrorRate)) {
                    faults.readErrors++;
                    throw new IOException("simulated read error on " + path + " at " + pos);
                }
                return file.read(pos, dst, off, len);
            }

            @Override
            public void write(long pos, byte[] src, int off, int len) throws IOException {
                try {
                    file.write(pos, src, off, len);
                } catch (DiskFullException e) {
                    if (!lies) {
                        throw e;
                    }
                    faults.writesSwallowed++; // the planted bug: the write is lost, the caller told it worked
                }
            }

            @Override
            public long append(byte[] src, int off, int len) throws IOException {
                try {
                    return file.append(src, off, len);
                } catch (DiskFullException e) {
                    if (!lies) {
                        throw e;
                    }
                    faults.writesSwallowed++;
                    return file.size(); // where it would have gone, had it been written
                }
            }
        };
    }
}
