package io.conclave.sim.runtime;

import io.conclave.multiraft.apply.StateMachine;
import io.conclave.raft.Entry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The test state machine of one node incarnation: string registers per group, changed by
 * {@code put} and {@code cas} commands; every applied entry is reported to the {@link Oracle}. The
 * outcome of each {@code cas} applied here is kept (values are unique) until its client takes it, so
 * the node that acknowledged it can say whether it swapped. Dies with its incarnation: a restarted
 * node rebuilds it from the storage snapshot and the log.
 */
final class RegisterMachine implements StateMachine {

    private static final byte PUT = 1;
    private static final byte CAS = 2;

    private final long nodeId;
    private final Oracle oracle;
    private final Map<Long, TreeMap<String, String>> registers = new HashMap<>();
    private final Map<String, Boolean> casOutcomes = new HashMap<>();

    RegisterMachine(long nodeId, Oracle oracle) {
        this.nodeId = nodeId;
        this.oracle = oracle;
    }

    static byte[] put(String key, String value) {
        return encode(PUT, key, null, value);
    }

    static byte[] cas(String key, String expected, String value) {
        return encode(CAS, key, expected, value);
    }

    private static byte[] encode(byte op, String key, String expected, String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(op);
            out.writeUTF(key);
            out.writeBoolean(expected != null);
            out.writeUTF(expected == null ? "" : expected);
            out.writeUTF(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void apply(long groupId, List<Entry> entries) {
        TreeMap<String, String> regs = registers.computeIfAbsent(groupId, k -> new TreeMap<>());
        for (Entry e : entries) {
            oracle.onApplied(nodeId, groupId, e);
            if (e.data().length == 0) {
                continue; // a leader's no-op
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(e.data()))) {
                byte op = in.readByte();
                String key = in.readUTF();
                boolean hasExpected = in.readBoolean();
                String expected = in.readUTF();
                String value = in.readUTF();
                if (op == PUT) {
                    regs.put(key, value);
                } else if (op == CAS) {
                    boolean swapped = java.util.Objects.equals(regs.get(key), hasExpected ? expected : null);
                    if (swapped) {
                        regs.put(key, value);
                    }
                    casOutcomes.put(value, swapped);
                } else {
                    throw new IllegalStateException("group " + groupId + " entry " + e.index() + ": unknown op " + op);
                }
            } catch (IOException ex) {
                throw new IllegalStateException("group " + groupId + " entry " + e.index() + " is not a command", ex);
            }
        }
    }

    @Override
    public byte[] snapshot(long groupId) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            TreeMap<String, String> regs = registers.getOrDefault(groupId, new TreeMap<>());
            out.writeInt(regs.size());
            for (Map.Entry<String, String> r : regs.entrySet()) {
                out.writeUTF(r.getKey());
                out.writeUTF(r.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restore(long groupId, byte[] data) {
        TreeMap<String, String> regs = new TreeMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                regs.put(in.readUTF(), in.readUTF());
            }
        } catch (IOException e) {
            throw new IllegalStateException("group " + groupId + ": unreadable snapshot", e);
        }
        registers.put(groupId, regs);
    }

    /** This node's replica of the group was destroyed: its registers go (a later replica starts empty). */
    @Override
    public void forget(long groupId) {
        registers.remove(groupId);
    }

    /** The register's value here, or null. */
    String get(long groupId, String key) {
        TreeMap<String, String> regs = registers.get(groupId);
        return regs == null ? null : regs.get(key);
    }

    /** Whether the cas that wrote {@code value} swapped, once; null when it was not applied here. */
    Boolean takeCasOutcome(String value) {
        return casOutcomes.remove(value);
    }

    /** The whole state of a group, for convergence checks. */
    TreeMap<String, String> state(long groupId) {
        return new TreeMap<>(registers.getOrDefault(groupId, new TreeMap<>()));
    }
}
