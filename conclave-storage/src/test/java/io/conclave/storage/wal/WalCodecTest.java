package io.conclave.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.SnapshotMetadata;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class WalCodecTest {

    @Property(tries = 200)
    void entriesSurviveAFrameRoundTrip(@ForAll @Size(max = 8) List<@Size(max = 64) byte[]> payloads,
                                       @ForAll long groupId) {
        List<Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            entries.add(new Entry(3, 10 + i, i % 2 == 0 ? EntryType.NORMAL : EntryType.CONF_CHANGE, payloads.get(i)));
        }
        ByteBuffer buf = ByteBuffer.allocate(WalFrame.frameBytes(WalCodec.entriesSizeBytes(entries)));
        int start = WalFrame.begin(buf, groupId, WalRecordKind.ENTRIES);
        WalCodec.putEntries(buf, entries);
        WalFrame.end(buf, start);
        assertThat(buf.hasRemaining()).isFalse();
        buf.flip();

        WalFrame.Decoded d = WalFrame.decode(buf, 0, 1 << 20);

        assertThat(d).isInstanceOf(WalFrame.Good.class);
        WalFrame.Good g = (WalFrame.Good) d;
        assertThat(g.groupId()).isEqualTo(groupId);
        assertThat(g.kind()).isEqualTo(WalRecordKind.ENTRIES);
        assertThat(WalCodec.getEntries(g.payload())).isEqualTo(entries);
    }

    @Test
    void hardStateSnapshotMarkAndTruncateRoundTrip() {
        HardState hs = new HardState(7, 2, 41);
        SnapshotMetadata m = new SnapshotMetadata(40, 6, new ConfState(Set.of(1L, 2L), Set.of(4L), Set.of(1L, 3L),
                Set.of(3L), true));
        ByteBuffer buf = ByteBuffer.allocate(256);
        WalCodec.putHardState(buf, hs);
        WalCodec.putSnapshotMark(buf, m);
        WalCodec.putTruncate(buf, 99);
        byte[] all = java.util.Arrays.copyOf(buf.array(), buf.position());

        assertThat(WalCodec.getHardState(java.util.Arrays.copyOfRange(all, 0, 24))).isEqualTo(hs);
        int markEnd = 24 + WalCodec.snapshotMarkSizeBytes(m);
        assertThat(WalCodec.getSnapshotMark(java.util.Arrays.copyOfRange(all, 24, markEnd))).isEqualTo(m);
        assertThat(WalCodec.getTruncate(java.util.Arrays.copyOfRange(all, markEnd, all.length))).isEqualTo(99);
    }

    @Test
    void everySingleBitFlipInAFrameIsDetected() {
        ByteBuffer buf = ByteBuffer.allocate(WalFrame.frameBytes(WalCodec.HARD_STATE_BYTES));
        int start = WalFrame.begin(buf, 5, WalRecordKind.HARD_STATE);
        WalCodec.putHardState(buf, new HardState(1, 2, 3));
        WalFrame.end(buf, start);
        byte[] good = buf.array();
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            WalFrame.Decoded d = WalFrame.decode(ByteBuffer.wrap(bad), 0, 1 << 20);
            assertThat(d).as("flip of bit %d", bit).isInstanceOf(WalFrame.End.class);
        }
    }

    @Test
    void aShortPayloadIsRejectedWithAClearError() {
        assertThatThrownBy(() -> WalCodec.getEntries(new byte[] {0, 0, 0, 1, 0}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("short");
    }
}
