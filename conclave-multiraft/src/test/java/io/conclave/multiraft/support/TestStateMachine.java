package io.conclave.multiraft.support;

import io.conclave.multiraft.apply.StateMachine;
import io.conclave.raft.Entry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A state machine that keeps, per group, the list of non-empty payloads applied, as strings. */
public final class TestStateMachine implements StateMachine {

    private final Map<Long, List<String>> groups = new ConcurrentHashMap<>();
    private final Map<Long, Long> lastIndex = new ConcurrentHashMap<>();
    private final java.util.Set<Long> forgotten = ConcurrentHashMap.newKeySet();

    private List<String> list(long groupId) {
        return groups.computeIfAbsent(groupId, k -> new ArrayList<>());
    }

    @Override
    public void apply(long groupId, List<Entry> entries) {
        List<String> l = list(groupId);
        synchronized (l) {
            long last = lastIndex.getOrDefault(groupId, 0L);
            for (Entry e : entries) {
                if (e.index() <= last) {
                    throw new AssertionError("group " + groupId + " applied " + e.index() + " after " + last);
                }
                last = e.index();
                if (e.data().length > 0) {
                    l.add(new String(e.data(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            lastIndex.put(groupId, last);
        }
    }

    @Override
    public byte[] snapshot(long groupId) {
        List<String> l = list(groupId);
        synchronized (l) {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bo)) {
                out.writeLong(lastIndex.getOrDefault(groupId, 0L));
                out.writeInt(l.size());
                for (String s : l) {
                    out.writeUTF(s);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bo.toByteArray();
        }
    }

    @Override
    public void restore(long groupId, byte[] data) {
        List<String> l = list(groupId);
        synchronized (l) {
            l.clear();
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                lastIndex.put(groupId, in.readLong());
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    l.add(in.readUTF());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Drops the group's state (its replica was destroyed) and remembers that it did. */
    @Override
    public void forget(long groupId) {
        groups.remove(groupId);
        lastIndex.remove(groupId);
        forgotten.add(groupId);
    }

    /** The groups {@link #forget} was called for. */
    public java.util.Set<Long> forgotten() {
        return java.util.Set.copyOf(forgotten);
    }

    /** A copy of the group's applied payloads. */
    public List<String> values(long groupId) {
        List<String> l = list(groupId);
        synchronized (l) {
            return new ArrayList<>(l);
        }
    }
}
