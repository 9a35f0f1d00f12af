package io.conclave.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A membership change, proposed with {@code RaftNode.proposeConfChange} and carried in a
 * {@link EntryType#CONF_CHANGE} entry. A change with no steps means "leave the joint configuration".
 *
 * @param transition how multi-voter changes are carried out
 * @param changes the steps, applied in order
 * @param context opaque host data carried with the change (for example the new member's address)
 */
public record ConfChange(ConfChangeTransition transition, List<ConfChangeSingle> changes, byte[] context) {

    private static final byte FORMAT_VERSION = 1;

    public ConfChange {
        if (transition == null) {
            throw new IllegalArgumentException("transition is null");
        }
        changes = List.copyOf(changes);
        context = context == null ? new byte[0] : context;
    }

    public static ConfChange of(ConfChangeSingle... steps) {
        return new ConfChange(ConfChangeTransition.AUTO, List.of(steps), new byte[0]);
    }

    public static ConfChange addVoter(long id) {
        return of(new ConfChangeSingle(ConfChangeType.ADD_VOTER, id));
    }

    public static ConfChange addLearner(long id) {
        return of(new ConfChangeSingle(ConfChangeType.ADD_LEARNER, id));
    }

    public static ConfChange remove(long id) {
        return of(new ConfChangeSingle(ConfChangeType.REMOVE_NODE, id));
    }

    /** The empty change that leaves a joint configuration. */
    public static ConfChange leaveJoint() {
        return new ConfChange(ConfChangeTransition.AUTO, List.of(), new byte[0]);
    }

    public boolean isLeaveJoint() {
        return changes.isEmpty();
    }

    /**
     * Whether this change must enter a joint configuration, and if so whether the leader leaves it
     * automatically: returns {@code [enterJoint, autoLeave]}.
     */
    public boolean[] enterJoint() {
        if (changes.isEmpty()) {
            return new boolean[] {false, false};
        }
        boolean joint = transition != ConfChangeTransition.AUTO || changes.size() > 1;
        boolean auto = transition == ConfChangeTransition.AUTO || transition == ConfChangeTransition.JOINT_IMPLICIT;
        return new boolean[] {joint, joint && auto};
    }

    /** The entry payload: version, transition, step count, steps (type, node), context length, context. */
    public byte[] encode() {
        byte[] out = new byte[1 + 1 + 4 + changes.size() * 9 + 4 + context.length];
        int p = 0;
        out[p++] = FORMAT_VERSION;
        out[p++] = (byte) transition.ordinal();
        p = Bytes.putInt(out, p, changes.size());
        for (ConfChangeSingle c : changes) {
            out[p++] = (byte) c.type().ordinal();
            p = Bytes.putLong(out, p, c.nodeId());
        }
        p = Bytes.putInt(out, p, context.length);
        System.arraycopy(context, 0, out, p, context.length);
        return out;
    }

    /** Decodes an entry payload; throws {@link IllegalArgumentException} on malformed data. */
    public static ConfChange decode(byte[] data) {
        if (data.length < 10) {
            throw new IllegalArgumentException("conf change too short: " + data.length + " bytes");
        }
        int p = 0;
        byte version = data[p++];
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown conf change format " + version);
        }
        int t = data[p++];
        if (t < 0 || t >= ConfChangeTransition.values().length) {
            throw new IllegalArgumentException("unknown conf change transition " + t);
        }
        int n = Bytes.getInt(data, p);
        p += 4;
        if (n < 0 || n > 1024 || data.length < p + n * 9L + 4) {
            throw new IllegalArgumentException("bad conf change step count " + n);
        }
        List<ConfChangeSingle> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int type = data[p++];
            if (type < 0 || type >= ConfChangeType.values().length) {
                throw new IllegalArgumentException("unknown conf change type " + type);
            }
            steps.add(new ConfChangeSingle(ConfChangeType.values()[type], Bytes.getLong(data, p)));
            p += 8;
        }
        int ctxLen = Bytes.getInt(data, p);
        p += 4;
        if (ctxLen != data.length - p) {
            throw new IllegalArgumentException("conf change context length " + ctxLen + " does not match "
                    + (data.length - p) + " remaining bytes");
        }
        return new ConfChange(ConfChangeTransition.values()[t], steps, Arrays.copyOfRange(data, p, data.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfChange c && c.transition == transition && c.changes.equals(changes)
                && Arrays.equals(c.context, context);
    }

    @Override
    public int hashCode() {
        return (transition.hashCode() * 31 + changes.hashCode()) * 31 + Arrays.hashCode(context);
    }
}
