package io.conclave.transport.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.raft.message.AppendEntries;
import io.conclave.raft.message.AppendResponse;
import io.conclave.raft.message.Heartbeat;
import io.conclave.raft.message.HeartbeatResponse;
import io.conclave.raft.message.Message;
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
import io.conclave.transport.Liveness;
import io.conclave.transport.LivenessPing;
import io.conclave.transport.LivenessPong;
import io.conclave.transport.proto.RaftWire;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Converts the core's message records to their protobuf mirrors and back; nothing else in the
 * system sees a protobuf type. Stateless, so any thread may call it. Byte arrays of the core
 * (entry data, chunk data, read contexts) are immutable by contract, so encoding wraps them
 * without a copy; decoding copies them out of the frame.
 */
public final class MessageCodec {

    private MessageCodec() {
    }

    /** The wire form of {@code message} of group {@code groupId}. */
    public static RaftWire.GroupMessage encode(long groupId, Message message) {
        RaftWire.GroupMessage.Builder b = RaftWire.GroupMessage.newBuilder().setGroupId(groupId);
        switch (message.type()) {
            case APPEND:
                return b.setAppend(encodeAppend((AppendEntries) message)).build();
            case APPEND_RESPONSE:
                return b.setAppendResponse(encodeAppendResponse((AppendResponse) message)).build();
            case VOTE:
                return b.setVote(encodeVote((RequestVote) message)).build();
            case VOTE_RESPONSE:
                return b.setVoteResponse(encodeVoteResponse((VoteResponse) message)).build();
            case HEARTBEAT:
                return b.setHeartbeat(encodeHeartbeat((Heartbeat) message)).build();
            case HEARTBEAT_RESPONSE:
                return b.setHeartbeatResponse(encodeHeartbeatResponse((HeartbeatResponse) message)).build();
            case SNAPSHOT_CHUNK:
                return b.setSnapshotChunk(encodeChunk((SnapshotChunk) message)).build();
            case SNAPSHOT_CHUNK_RESPONSE:
                return b.setSnapshotChunkResponse(encodeChunkResponse((SnapshotChunkResponse) message)).build();
            case TIMEOUT_NOW:
                return b.setTimeoutNow(encodeTimeoutNow((TimeoutNow) message)).build();
            case READ_INDEX:
                return b.setReadIndex(encodeReadIndex((ReadIndexRequest) message)).build();
            case READ_INDEX_RESPONSE:
                return b.setReadIndexResponse(encodeReadIndexResponse((ReadIndexResponse) message)).build();
            case PROPOSE:
                return b.setPropose(encodePropose((ProposalForward) message)).build();
            case TRANSFER_LEADER:
                return b.setTransferLeader(encodeTransfer((TransferLeaderRequest) message)).build();
            default:
                throw new IllegalArgumentException("no wire form for message type " + message.type());
        }
    }

    /**
     * The core form of a wire message.
     *
     * @throws IllegalArgumentException if the message is empty or malformed (a peer's bug, or a
     *     newer peer sending a kind this node does not know)
     */
    public static Envelope decode(RaftWire.GroupMessage wire) {
        return new Envelope(wire.getGroupId(), decodeMessage(wire));
    }

    private static Message decodeMessage(RaftWire.GroupMessage w) {
        switch (w.getMessageCase()) {
            case APPEND:
                return decodeAppend(w.getAppend());
            case APPEND_RESPONSE: {
                RaftWire.AppendResponse m = w.getAppendResponse();
                return new AppendResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getIndex(), m.getReject(),
                        m.getHintIndex(), m.getHintTerm());
            }
            case VOTE: {
                RaftWire.RequestVote m = w.getVote();
                return new RequestVote(m.getFrom(), m.getTo(), m.getTerm(), m.getLastLogIndex(), m.getLastLogTerm(),
                        m.getPreVote(), m.getLeaderTransfer());
            }
            case VOTE_RESPONSE: {
                RaftWire.VoteResponse m = w.getVoteResponse();
                return new VoteResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getPreVote(), m.getGranted());
            }
            case HEARTBEAT: {
                RaftWire.Heartbeat m = w.getHeartbeat();
                return new Heartbeat(m.getFrom(), m.getTo(), m.getTerm(), m.getCommit(), m.getRound(), m.getQuiesce());
            }
            case HEARTBEAT_RESPONSE: {
                RaftWire.HeartbeatResponse m = w.getHeartbeatResponse();
                return new HeartbeatResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getRound());
            }
            case SNAPSHOT_CHUNK:
                return decodeChunk(w.getSnapshotChunk());
            case SNAPSHOT_CHUNK_RESPONSE: {
                RaftWire.SnapshotChunkResponse m = w.getSnapshotChunkResponse();
                return new SnapshotChunkResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getSnapshotIndex(),
                        m.getNextOffset(), m.getDone(), m.getReject());
            }
            case TIMEOUT_NOW: {
                RaftWire.TimeoutNow m = w.getTimeoutNow();
                return new TimeoutNow(m.getFrom(), m.getTo(), m.getTerm());
            }
            case READ_INDEX: {
                RaftWire.ReadIndexRequest m = w.getReadIndex();
                return new ReadIndexRequest(m.getFrom(), m.getTo(), m.getTerm(),
                        m.hasContext() ? m.getContext().toByteArray() : null);
            }
            case READ_INDEX_RESPONSE: {
                RaftWire.ReadIndexResponse m = w.getReadIndexResponse();
                return new ReadIndexResponse(m.getFrom(), m.getTo(), m.getTerm(), m.getIndex(),
                        m.hasContext() ? m.getContext().toByteArray() : null, m.getRejected());
            }
            case PROPOSE: {
                RaftWire.ProposalForward m = w.getPropose();
                return new ProposalForward(m.getFrom(), m.getTo(), m.getTerm(), decodeEntries(m.getEntriesList()));
            }
            case TRANSFER_LEADER: {
                RaftWire.TransferLeaderRequest m = w.getTransferLeader();
                return new TransferLeaderRequest(m.getFrom(), m.getTo(), m.getTerm(), m.getTransferee());
            }
            default:
                throw new IllegalArgumentException("group message " + w.getGroupId() + " carries no known message: "
                        + w.getMessageCase());
        }
    }

    // ---- liveness ----

    public static RaftWire.LivenessPing encodePing(LivenessPing p) {
        return RaftWire.LivenessPing.newBuilder().setNodeId(p.nodeId()).setIncarnation(p.incarnation())
                .setSendTimeNs(p.sendTimeNs()).setSequence(p.sequence()).build();
    }

    public static RaftWire.LivenessPong encodePong(LivenessPong p) {
        return RaftWire.LivenessPong.newBuilder().setNodeId(p.nodeId()).setIncarnation(p.incarnation())
                .setSendTimeNs(p.sendTimeNs()).setSequence(p.sequence()).build();
    }

    public static LivenessPing decodePing(RaftWire.LivenessPing p) {
        return new LivenessPing(p.getNodeId(), p.getIncarnation(), p.getSendTimeNs(), p.getSequence());
    }

    public static LivenessPong decodePong(RaftWire.LivenessPong p) {
        return new LivenessPong(p.getNodeId(), p.getIncarnation(), p.getSendTimeNs(), p.getSequence());
    }

    /** The encoded size of a liveness signal, for queue accounting. */
    public static int sizeOf(Liveness signal) {
        return signal instanceof LivenessPing p ? encodePing(p).getSerializedSize()
                : encodePong((LivenessPong) signal).getSerializedSize();
    }

    // ---- shared parts ----

    public static RaftWire.Entry encodeEntry(Entry e) {
        return RaftWire.Entry.newBuilder().setTerm(e.term()).setIndex(e.index())
                .setType(e.type() == EntryType.CONF_CHANGE ? RaftWire.EntryType.ENTRY_CONF_CHANGE
                        : RaftWire.EntryType.ENTRY_NORMAL)
                .setData(wrap(e.data())).build();
    }

    public static Entry decodeEntry(RaftWire.Entry e) {
        EntryType type;
        switch (e.getType()) {
            case ENTRY_NORMAL:
                type = EntryType.NORMAL;
                break;
            case ENTRY_CONF_CHANGE:
                type = EntryType.CONF_CHANGE;
                break;
            default:
                throw new IllegalArgumentException("unknown entry type " + e.getTypeValue() + " at " + e.getIndex());
        }
        return new Entry(e.getTerm(), e.getIndex(), type, e.getData().toByteArray());
    }

    public static RaftWire.ConfState encodeConfState(ConfState c) {
        return RaftWire.ConfState.newBuilder().addAllVoters(c.voters()).addAllLearners(c.learners())
                .addAllVotersOutgoing(c.votersOutgoing()).addAllLearnersNext(c.learnersNext())
                .setAutoLeave(c.autoLeave()).build();
    }

    public static ConfState decodeConfState(RaftWire.ConfState c) {
        return new ConfState(new TreeSet<>(c.getVotersList()), new TreeSet<>(c.getLearnersList()),
                new TreeSet<>(c.getVotersOutgoingList()), new TreeSet<>(c.getLearnersNextList()), c.getAutoLeave());
    }

    public static RaftWire.SnapshotMetadata encodeMetadata(SnapshotMetadata m) {
        return RaftWire.SnapshotMetadata.newBuilder().setIndex(m.index()).setTerm(m.term())
                .setConfState(encodeConfState(m.confState())).build();
    }

    public static SnapshotMetadata decodeMetadata(RaftWire.SnapshotMetadata m) {
        return new SnapshotMetadata(m.getIndex(), m.getTerm(), decodeConfState(m.getConfState()));
    }

    // ---- per message ----

    private static RaftWire.AppendEntries encodeAppend(AppendEntries m) {
        return RaftWire.AppendEntries.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setPrevLogIndex(m.prevLogIndex()).setPrevLogTerm(m.prevLogTerm())
                .addAllEntries(encodeEntries(m.entries())).setCommit(m.commit()).build();
    }

    private static AppendEntries decodeAppend(RaftWire.AppendEntries m) {
        return new AppendEntries(m.getFrom(), m.getTo(), m.getTerm(), m.getPrevLogIndex(), m.getPrevLogTerm(),
                decodeEntries(m.getEntriesList()), m.getCommit());
    }

    private static RaftWire.AppendResponse encodeAppendResponse(AppendResponse m) {
        return RaftWire.AppendResponse.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setIndex(m.index()).setReject(m.reject()).setHintIndex(m.hintIndex()).setHintTerm(m.hintTerm())
                .build();
    }

    private static RaftWire.RequestVote encodeVote(RequestVote m) {
        return RaftWire.RequestVote.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setLastLogIndex(m.lastLogIndex()).setLastLogTerm(m.lastLogTerm()).setPreVote(m.preVote())
                .setLeaderTransfer(m.leaderTransfer()).build();
    }

    private static RaftWire.VoteResponse encodeVoteResponse(VoteResponse m) {
        return RaftWire.VoteResponse.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setPreVote(m.preVote()).setGranted(m.granted()).build();
    }

    private static RaftWire.Heartbeat encodeHeartbeat(Heartbeat m) {
        return RaftWire.Heartbeat.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setCommit(m.commit()).setRound(m.round()).setQuiesce(m.quiesce()).build();
    }

    private static RaftWire.HeartbeatResponse encodeHeartbeatResponse(HeartbeatResponse m) {
        return RaftWire.HeartbeatResponse.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setRound(m.round()).build();
    }

    private static RaftWire.SnapshotChunk encodeChunk(SnapshotChunk m) {
        return RaftWire.SnapshotChunk.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setMetadata(encodeMetadata(m.metadata())).setOffset(m.offset()).setTotalBytes(m.totalBytes())
                .setData(wrap(m.data())).setLast(m.last()).build();
    }

    private static SnapshotChunk decodeChunk(RaftWire.SnapshotChunk m) {
        return new SnapshotChunk(m.getFrom(), m.getTo(), m.getTerm(), decodeMetadata(m.getMetadata()), m.getOffset(),
                m.getTotalBytes(), m.getData().toByteArray(), m.getLast());
    }

    private static RaftWire.SnapshotChunkResponse encodeChunkResponse(SnapshotChunkResponse m) {
        return RaftWire.SnapshotChunkResponse.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setSnapshotIndex(m.snapshotIndex()).setNextOffset(m.nextOffset()).setDone(m.done())
                .setReject(m.reject()).build();
    }

    private static RaftWire.TimeoutNow encodeTimeoutNow(TimeoutNow m) {
        return RaftWire.TimeoutNow.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term()).build();
    }

    private static RaftWire.ReadIndexRequest encodeReadIndex(ReadIndexRequest m) {
        RaftWire.ReadIndexRequest.Builder b = RaftWire.ReadIndexRequest.newBuilder().setFrom(m.from()).setTo(m.to())
                .setTerm(m.term());
        if (m.context() != null) {
            b.setContext(wrap(m.context()));
        }
        return b.build();
    }

    private static RaftWire.ReadIndexResponse encodeReadIndexResponse(ReadIndexResponse m) {
        RaftWire.ReadIndexResponse.Builder b = RaftWire.ReadIndexResponse.newBuilder().setFrom(m.from())
                .setTo(m.to()).setTerm(m.term()).setIndex(m.index()).setRejected(m.rejected());
        if (m.context() != null) {
            b.setContext(wrap(m.context()));
        }
        return b.build();
    }

    private static RaftWire.ProposalForward encodePropose(ProposalForward m) {
        return RaftWire.ProposalForward.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .addAllEntries(encodeEntries(m.entries())).build();
    }

    private static RaftWire.TransferLeaderRequest encodeTransfer(TransferLeaderRequest m) {
        return RaftWire.TransferLeaderRequest.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term())
                .setTransferee(m.transferee()).build();
    }

    private static List<RaftWire.Entry> encodeEntries(Collection<Entry> entries) {
        List<RaftWire.Entry> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(encodeEntry(e));
        }
        return out;
    }

    private static List<Entry> decodeEntries(List<RaftWire.Entry> entries) {
        List<Entry> out = new ArrayList<>(entries.size());
        for (RaftWire.Entry e : entries) {
            out.add(decodeEntry(e));
        }
        return out;
    }

    private static ByteString wrap(byte[] bytes) {
        return bytes.length == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(bytes);
    }
}
