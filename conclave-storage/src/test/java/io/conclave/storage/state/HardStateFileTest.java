package io.conclave.storage.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.HardState;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class HardStateFileTest {

    final SimDisk disk = new SimDisk(11);
    final HardStateFile file = new HardStateFile(disk, "g/state");

    @Test
    void aNewDirectoryLoadsTheEmptyHardState() throws IOException {
        assertThat(file.load()).isEqualTo(HardState.EMPTY);
    }

    @Test
    void aSavedHardStateIsLoadedBackAndSurvivesACrash() throws IOException {
        file.save(new HardState(3, 2, 17));
        file.save(new HardState(4, 0, 18));
        assertThat(file.load()).isEqualTo(new HardState(4, 0, 18));
        SimDisk after = disk.crash();
        assertThat(new HardStateFile(after, "g/state").load()).isEqualTo(new HardState(4, 0, 18));
    }

    @Test
    void aDamagedFileIsReportedNeverZeroed() throws IOException {
        file.save(new HardState(3, 2, 17));
        disk.flipBit(file.path());
        assertThatThrownBy(file::load).isInstanceOf(StateFileException.class)
                .hasMessageContaining("g/state/hardstate").hasMessageContaining("damaged");
    }

    @Test
    void aShortFileIsReported() throws IOException {
        file.save(new HardState(3, 2, 17));
        disk.cutFile(file.path(), 20);
        assertThatThrownBy(file::load).hasMessageContaining("size 20");
    }

    @Test
    void aMissingFileInAUsedDirectoryIsReported() throws IOException {
        file.save(new HardState(3, 2, 17));
        disk.delete(file.path());
        try (FileHandle h = disk.open("g/state/other", OpenMode.CREATE)) {
            h.append(new byte[1], 0, 1);
        }
        assertThatThrownBy(file::load).isInstanceOf(StateFileException.class).hasMessageContaining("missing");
    }

    @Test
    void aCrashDuringASaveLeavesTheOldOrTheNewHardState() throws IOException {
        for (int cut = 0; cut < 8; cut++) {
            SimDisk d = new SimDisk(cut);
            HardStateFile f = new HardStateFile(d, "s");
            f.save(new HardState(1, 1, 1));
            d.powerOffAfter(cut);
            try {
                f.save(new HardState(2, 2, 2));
            } catch (IOException expected) {
                assertThat(expected).hasMessageContaining("power loss");
            }
            assertThat(new HardStateFile(d.crash(), "s").load()).isIn(new HardState(1, 1, 1), new HardState(2, 2, 2));
        }
    }
}
