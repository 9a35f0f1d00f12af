package io.conclave.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.raft.Entry;
import io.conclave.raft.message.AppendEntries;
import io.conclave.transport.Envelope;
import io.conclave.transport.codec.MessageCodec;
import io.conclave.transport.proto.RaftWire;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AliasingMarshallerTest {

    private final AliasingMarshaller<RaftWire.RaftBatch> marshaller =
            new AliasingMarshaller<>(RaftWire.RaftBatch.getDefaultInstance());

    private static RaftWire.RaftBatch batchOfAppends(int groups, int entryBytes) {
        return batchOfAppends(groups, entryBytes, 0);
    }

    private static RaftWire.RaftBatch batchOfAppends(int groups, int entryBytes, int salt) {
        RaftWire.RaftBatch.Builder b = RaftWire.RaftBatch.newBuilder().setFromNode(1).setFromIncarnation(7).setToNode(2);
        for (int g = 0; g < groups; g++) {
            List<Entry> entries = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                byte[] data = new byte[entryBytes];
                for (int k = 0; k < data.length; k++) {
                    data[k] = (byte) (g * 31 + i * 7 + k + salt);
                }
                entries.add(Entry.normal(2, i, data));
            }
            b.addMessages(MessageCodec.encode(g, new AppendEntries(1, 2, 2, 0, 0, entries, 0)));
        }
        return b.build();
    }

    @Test
    void aFrameComesBackEqualAndItsEntriesDecodeToTheBytesSent() {
        RaftWire.RaftBatch sent = batchOfAppends(50, 1_024);
        RaftWire.RaftBatch got = marshaller.parse(marshaller.stream(sent));
        assertThat(got).isEqualTo(sent);
        Envelope e = MessageCodec.decode(got.getMessages(17));
        AppendEntries append = (AppendEntries) e.message();
        assertThat(e.groupId()).isEqualTo(17);
        assertThat(append.entries().get(2).data()).isEqualTo(((AppendEntries) MessageCodec.decode(sent.getMessages(17))
                .message()).entries().get(2).data());
    }

    @Test
    void framesParsedOneAfterAnotherOnOneThreadEachDecodeToWhatWasSentAndALargeOneGetsItsOwnArray() {
        RaftWire.RaftBatch small = batchOfAppends(4, 1_000);
        RaftWire.RaftBatch other = batchOfAppends(6, 3_000);
        RaftWire.RaftBatch large = batchOfAppends(30, 60_000);
        assertThat(large.getSerializedSize()).isGreaterThan(AliasingMarshaller.REUSED_BYTES_MAX);
        for (RaftWire.RaftBatch sent : List.of(small, other, large, small)) {
            // decoded completely before the next parse, as InboundService does
            List<Envelope> got = new ArrayList<>();
            for (RaftWire.GroupMessage m : marshaller.parse(marshaller.stream(sent)).getMessagesList()) {
                got.add(MessageCodec.decode(m));
            }
            List<Envelope> expected = new ArrayList<>();
            for (RaftWire.GroupMessage m : sent.getMessagesList()) {
                expected.add(MessageCodec.decode(m));
            }
            assertThat(got).hasSameSizeAs(expected);
            for (int i = 0; i < got.size(); i++) {
                List<Entry> a = ((AppendEntries) got.get(i).message()).entries();
                List<Entry> b = ((AppendEntries) expected.get(i).message()).entries();
                for (int k = 0; k < a.size(); k++) {
                    assertThat(a.get(k).data()).isEqualTo(b.get(k).data());
                }
            }
        }
    }

    @Test
    void theBytesOfAParsedFrameAreViewsOfTheBufferTheNextFrameReuses() {
        RaftWire.RaftBatch first = batchOfAppends(2, 2_000);
        RaftWire.RaftBatch second = batchOfAppends(2, 2_000, 1); // other bytes at the same offsets
        com.google.protobuf.ByteString view = marshaller.parse(marshaller.stream(first)).getMessages(1).getAppend()
                .getEntries(0).getData();
        byte[] before = view.toByteArray();
        assertThat(before).isEqualTo(first.getMessages(1).getAppend().getEntries(0).getData().toByteArray());
        marshaller.parse(marshaller.stream(second));
        assertThat(view.toByteArray()).as("not a copy: the next frame on this thread overwrote it").isNotEqualTo(before);
    }

    @Test
    void aStreamOfUnknownLengthIsReadWholeToo() {
        RaftWire.RaftBatch sent = batchOfAppends(3, 70_000);
        InputStream unknownLength = new ByteArrayInputStream(sent.toByteArray()) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 4_096)); // short reads
            }
        };
        assertThat(marshaller.parse(unknownLength)).isEqualTo(sent);
    }

    @Test
    void aMalformedFrameIsAnInternalErrorOfTheCallNotACrash() {
        byte[] bytes = batchOfAppends(2, 100).toByteArray();
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 7);
        assertThatThrownBy(() -> marshaller.parse(new ByteArrayInputStream(cut)))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INTERNAL")
                .hasMessageContaining("invalid protobuf frame");
    }
}
