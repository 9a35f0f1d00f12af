package io.conclave.storage.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.storage.disk.FileHandle;
import io.conclave.storage.disk.OpenMode;
import io.conclave.storage.disk.SimDisk;
import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RecordFormatTest {

    @Test
    void theFrameLayoutIsAsDocumented() {
        Entry e = new Entry(0x0102030405060708L, 0x1112131415161718L, EntryType.CONF_CHANGE, new byte[] {42, 43});
        byte[] b = new byte[RecordFormat.frameBytes(e)];
        assertThat(RecordFormat.encode(e, 0x2122232425262728L, b, 0)).isEqualTo(35);
        assertThat(RecordFormat.getInt(b, 0)).isEqualTo(27);
        assertThat(RecordFormat.getLong(b, 8)).isEqualTo(0x0102030405060708L);
        assertThat(RecordFormat.getLong(b, 16)).isEqualTo(0x1112131415161718L);
        assertThat(b[24]).isEqualTo((byte) 1);
        assertThat(RecordFormat.getLong(b, 25)).isEqualTo(0x2122232425262728L);
        assertThat(b[33]).isEqualTo((byte) 42);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b, 8, 27);
        assertThat(RecordFormat.getInt(b, 4)).isEqualTo((int) c.getValue());
    }

    @Property(tries = 200)
    void everySingleBitFlipIsDetected(@ForAll @IntRange(max = 300) int len, @ForAll @LongRange(min = 0) long seed)
            throws IOException {
        Entry e = Entries.entry(seed % 1000, 1 + seed % 100_000, len);
        byte[] b = new byte[RecordFormat.frameBytes(e)];
        RecordFormat.encode(e, seed, b, 0);
        int bit = (int) (Math.floorMod(seed * 7919, b.length * 8L));
        b[bit >>> 3] ^= (byte) (1 << (bit & 7));
        SimDisk disk = new SimDisk(seed);
        try (FileHandle h = disk.open("f", OpenMode.CREATE)) {
            h.append(b, 0, b.length);
            RecordCursor c = new RecordCursor(64, 1 << 20);
            c.target(h, h.size());
            assertThat(c.readAt(0)).isNotEqualTo(RecordCursor.Status.OK);
        }
    }

    @Test
    void aTruncatedRecordIsReportedAsTruncated() throws IOException {
        Entry e = Entries.entry(1, 1, 100);
        byte[] b = new byte[RecordFormat.frameBytes(e)];
        RecordFormat.encode(e, 0, b, 0);
        SimDisk disk = new SimDisk(1);
        try (FileHandle h = disk.open("f", OpenMode.CREATE)) {
            h.append(b, 0, 60);
            RecordCursor c = new RecordCursor(64, 1 << 20);
            c.target(h, h.size());
            assertThat(c.readAt(0)).isEqualTo(RecordCursor.Status.TRUNCATED);
            h.truncate(0);
            h.append(b, 0, b.length);
            c.target(h, h.size());
            assertThat(c.readAt(0)).isEqualTo(RecordCursor.Status.OK);
            assertThat(c.entry()).isEqualTo(e);
        }
    }
}
