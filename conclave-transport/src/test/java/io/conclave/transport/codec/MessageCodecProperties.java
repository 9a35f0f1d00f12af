package io.conclave.transport.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.AppendResponse;
import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.HeartbeatResponse;
import io.conclave.raft.message.Message;
import io.conclave.raft.message.MessageType;
import io.conclave.raft.message.ProposalForward;
import io.conclave.raft.message.ReadIndexRequest;
import io.conclave.raft.message.ReadIndexResponse;
import io.conclave.raft.message.RequestVote;
import io.conclave.raft.message.SnapshotChunk;
import io.conclave.raft.message.SnapshotChunkResponse;
import io.conclave.raft.message.TimeoutNow;
import io.conclave.raft.message.TransferLeaderRequest;
import io.conclave.raft.message.VoteResponse;
import io.conclave.transport.Envelope;
import io.conclave.transport.LivenessPing;
import io.conclave.transport.LivenessPong;
import io.conclave.transport.proto.RaftWire;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecProperties {

    @Property(tries = 2_000)
    void everyMessageSurvivesEncodeSerializeParseDecode(@ForAll("groupIds") long groupId,
                                                        @ForAll("messages") Message message)
            throws InvalidProtocolBufferException {
        byte[] wire = MessageCodec.encode(groupId, message).toByteArray();

        Envelope back = MessageCodec.decode(RaftWire.GroupMessage.parseFrom(wire));

        assertThat(back).isEqualTo(new Envelope(groupId, message));
        assertThat(back.message().type()).isEqualTo(message.type());
    }

    @Property(tries = 300)
    void livenessSignalsSurviveTheWire(@ForAll long node, @ForAll long incarnation, @ForAll long sendTimeNs,
                                       @ForAll long sequence) throws InvalidProtocolBufferException {
        LivenessPing ping = new LivenessPing(node, incarnation, sendTimeNs, sequence);
        LivenessPong pong = LivenessPong.answer(node + 1, incarnation, ping);

        assertThat(MessageCodec.decodePing(RaftWire.LivenessPing.parseFrom(
                MessageCodec.encodePing(ping).toByteArray()))).isEqualTo(ping);
        assertThat(MessageCodec.decodePong(RaftWire.LivenessPong.parseFrom(
                MessageCodec.encodePong(pong).toByteArray()))).isEqualTo(pong);
    }

    @Test
    void theGeneratorCoversEveryMessageType() {
        Set<MessageType> seen = EnumSet.noneOf(MessageType.class);
        messages().sampleStream().limit(2_000).forEach(m -> seen.add(m.type()));
        assertThat(seen).containsExactlyInAnyOrder(MessageType.values());
    }

    @Test
    void aNullReadContextStaysNullAndAnEmptyOneStaysEmpty() {
        Envelope nullCtx = MessageCodec.decode(MessageCodec.encode(1, new ReadIndexRequest(1, 2, 0, null)));
        Envelope emptyCtx = MessageCodec.decode(MessageCodec.encode(1, new ReadIndexRequest(1, 2, 0, new byte[0])));
        assertThat(((ReadIndexRequest) nullCtx.message()).context()).isNull();
        assertThat(((ReadIndexRequest) emptyCtx.message()).context()).isEmpty();
    }

    @Test
    void theRoundTripCheckCatchesACorruptedPayload() throws InvalidProtocolBufferException {
        // The property above compares whole records; show that it would see one flipped byte.
        AppendEntries m = new AppendEntries(1, 2, 3, 4, 3, List.of(Entry.normal(3, 5, new byte[]{1, 2, 3, 4})), 4);
        byte[] wire = MessageCodec.encode(7, m).toByteArray();
        wire[wire.length - 5] ^= 0x40; // inside the entry's data, before the trailing commit field

        Envelope back = MessageCodec.decode(RaftWire.GroupMessage.parseFrom(wire));

        assertThat(back.message()).isNotEqualTo(m);
    }

    @Test
    void anEmptyGroupMessageIsRejectedWithItsGroup() {
        assertThatThrownBy(() -> MessageCodec.decode(RaftWire.GroupMessage.newBuilder().setGroupId(42).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("42");
    }

    @Test
    void anUnknownEntryTypeIsRejected() {
        RaftWire.Entry e = RaftWire.Entry.newBuilder().setIndex(9).setTypeValue(7).build();
        assertThatThrownBy(() -> MessageCodec.decodeEntry(e)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown entry type 7");
    }

    // ---- generators ----

    @Provide
    Arbitrary<Long> groupIds() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 10_000), Arbitraries.longs());
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<Long> id = Arbitraries.longs();
        Arbitrary<Long> n = Arbitraries.oneOf(Arbitraries.longs().between(0, 1_000), Arbitraries.longs());
        Arbitrary<Boolean> b = Arbitraries.of(true, false);
        return Arbitraries.oneOf(
                Combinators.combine(id, id, n, n, n, entries(), n)
                        .as((f, t, term, pi, pt, es, c) -> (Message) new AppendEntries(f, t, term, pi, pt, es, c)),
                Combinators.combine(id, id, n, n, b, n, n)
                        .as((f, t, term, i, r, hi, ht) -> new AppendResponse(f, t, term, i, r, hi, ht)),
                Combinators.combine(id, id, n, n, n, b, b)
                        .as((f, t, term, li, lt, pv, lt2) -> new RequestVote(f, t, term, li, lt, pv, lt2)),
                Combinators.combine(id, id, n, b, b).as(VoteResponse::new),
                Combinators.combine(id, id, n, n, n, b).as(Heartbeat::new),
                Combinators.combine(id, id, n, n).as(HeartbeatResponse::new),
                Combinators.combine(id, id, n, metadata(), n, n, bytes(), b)
                        .as((f, t, term, md, off, tot, d, last) -> new SnapshotChunk(f, t, term, md, off, tot, d, last)),
                Combinators.combine(id, id, n, n, n, b, b).as(SnapshotChunkResponse::new),
                Combinators.combine(id, id, n).as(TimeoutNow::new),
                Combinators.combine(id, id, n, bytes().injectNull(0.2)).as(ReadIndexRequest::new),
                Combinators.combine(id, id, n, n, bytes().injectNull(0.2), b).as(ReadIndexResponse::new),
                Combinators.combine(id, id, n, entries()).as(ProposalForward::new),
                Combinators.combine(id, id, n, id).as(TransferLeaderRequest::new));
    }

    private static Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    private static Arbitrary<List<Entry>> entries() {
        Arbitrary<Long> pos = Arbitraries.longs().greaterOrEqual(0);
        return Combinators.combine(pos, pos, Arbitraries.of(EntryType.class), bytes()).as(Entry::new)
                .list().ofMaxSize(8);
    }

    private static Arbitrary<SnapshotMetadata> metadata() {
        Arbitrary<Long> pos = Arbitraries.longs().greaterOrEqual(0);
        return Combinators.combine(pos, pos, confStates()).as(SnapshotMetadata::new);
    }

    private static Arbitrary<ConfState> confStates() {
        Arbitrary<Set<Long>> ids = Arbitraries.longs().between(1, 12).set().ofMaxSize(6);
        return Combinators.combine(ids, ids, ids, ids, Arbitraries.of(true, false))
                .as((voters, outgoing, learnerCandidates, nextCandidates, autoLeave) -> {
                    Set<Long> learners = new HashSet<>(learnerCandidates);
                    learners.removeAll(voters);
                    learners.removeAll(outgoing);
                    Set<Long> learnersNext = new HashSet<>(nextCandidates);
                    learnersNext.retainAll(outgoing);
                    return new ConfState(voters, learners, outgoing, learnersNext, autoLeave && !outgoing.isEmpty());
                });
    }
}
