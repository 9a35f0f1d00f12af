package io.conclave.multiraft.replica;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * The runtime's frame around a state machine's snapshot bytes: what the runtime derives from the log
 * and a snapshot, which replaces the log, must still carry — today the nodes a rejoin demoted
 * ({@link RejoinDemoted}). Stored and sent as the snapshot's data; the state machine sees only its
 * own bytes.
 *
 * <p>Layout: the 8-byte magic {@code "CNCLVSF1"}, the count of nodes (int), their ids (longs), then
 * the state machine's bytes. Data without the magic (the genesis snapshot, which is empty, and
 * snapshots written before the frame existed) is the state machine's alone, with no node demoted.
 * A frame whose count does not fit is corrupt: {@link IllegalStateException}. Stateless.
 */
final class SnapshotFrame {

    private static final byte[] MAGIC = {'C', 'N', 'C', 'L', 'V', 'S', 'F', '1'};
    private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES;

    /** A framed snapshot's parts. */
    record Parts(RejoinDemoted demoted, byte[] state) {
    }

    private SnapshotFrame() {
    }

    static byte[] wrap(RejoinDemoted demoted, byte[] state) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + demoted.nodes().size() * Long.BYTES + state.length);
        b.put(MAGIC).putInt(demoted.nodes().size());
        for (long n : demoted.nodes()) {
            b.putLong(n);
        }
        return b.put(state).array();
    }

    static Parts unwrap(byte[] data) {
        if (data.length < HEADER_BYTES || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return new Parts(RejoinDemoted.NONE, data);
        }
        ByteBuffer b = ByteBuffer.wrap(data, MAGIC.length, data.length - MAGIC.length);
        int count = b.getInt();
        if (count < 0 || count > b.remaining() / Long.BYTES) {
            throw new IllegalStateException("snapshot frame names " + count + " demoted nodes in "
                    + b.remaining() + " bytes: the snapshot is corrupt");
        }
        TreeSet<Long> nodes = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            nodes.add(b.getLong());
        }
        return new Parts(RejoinDemoted.of(nodes), Arrays.copyOfRange(data, b.position(), data.length));
    }
}
