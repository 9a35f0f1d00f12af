package io.conclave.storage.disk;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class RealDiskTest extends DiskContract {

    @TempDir
    Path dir;

    @Override
    Disk disk() throws IOException {
        return new RealDisk(dir);
    }
}
