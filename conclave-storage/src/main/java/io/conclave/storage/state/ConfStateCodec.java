package io.conclave.storage.state;

import io.conclave.raft.ConfState;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The binary form of a {@link ConfState}: four id sets (voters, learners, outgoing voters, next
 * learners), each {@code [count u32][id u64]...}, then {@code [autoLeave u8]}. Big-endian.
 */
public final class ConfStateCodec {

    private ConfStateCodec() {
    }

    public static byte[] encode(ConfState cs) {
        int n = cs.voters().size() + cs.learners().size() + cs.votersOutgoing().size() + cs.learnersNext().size();
        byte[] b = new byte[16 + 8 * n + 1];
        int p = put(b, 0, cs.voters());
        p = put(b, p, cs.learners());
        p = put(b, p, cs.votersOutgoing());
        p = put(b, p, cs.learnersNext());
        b[p] = (byte) (cs.autoLeave() ? 1 : 0);
        return b;
    }

    private static int put(byte[] b, int p, SortedSet<Long> ids) {
        p = Codec.putInt(b, p, ids.size());
        for (long id : ids) {
            p = Codec.putLong(b, p, id);
        }
        return p;
    }

    /**
     * Decodes {@code b[off, off + len)}.
     *
     * @throws IllegalArgumentException when the bytes are not a valid encoding
     */
    public static ConfState decode(byte[] b, int off, int len) {
        int[] pos = {off};
        int end = off + len;
        Set<Long> voters = get(b, pos, end);
        Set<Long> learners = get(b, pos, end);
        Set<Long> outgoing = get(b, pos, end);
        Set<Long> next = get(b, pos, end);
        if (pos[0] + 1 != end || (b[pos[0]] & 0xfe) != 0) {
            throw new IllegalArgumentException("bad ConfState encoding: trailing bytes or bad autoLeave flag");
        }
        return new ConfState(voters, learners, outgoing, next, b[pos[0]] == 1);
    }

    private static Set<Long> get(byte[] b, int[] pos, int end) {
        if (pos[0] + 4 > end) {
            throw new IllegalArgumentException("bad ConfState encoding: truncated");
        }
        int count = Codec.getInt(b, pos[0]);
        pos[0] += 4;
        if (count < 0 || count > (end - pos[0]) / 8) {
            throw new IllegalArgumentException("bad ConfState encoding: set of " + count + " ids");
        }
        TreeSet<Long> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(Codec.getLong(b, pos[0]));
            pos[0] += 8;
        }
        return ids;
    }
}
