package io.conclave.sim.machine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Registers and logs, by key. Deterministic: sorted maps, no clocks. */
public final class KvLogMachine {

    private final TreeMap<String, String> registers = new TreeMap<>();
    private final TreeMap<String, ArrayList<String>> logs = new TreeMap<>();

    /** What applying a command did. */
    public record Result(boolean swapped, long offset) {
    }

    public Result apply(Command c) {
        switch (c.kind()) {
            case PUT:
                registers.put(c.key(), c.value());
                return new Result(true, -1);
            case CAS: {
                String cur = registers.get(c.key());
                boolean match = c.expected() == null ? cur == null : c.expected().equals(cur);
                if (match) {
                    registers.put(c.key(), c.value());
                }
                return new Result(match, -1);
            }
            case APPEND: {
                ArrayList<String> log = logs.computeIfAbsent(c.key(), k -> new ArrayList<>());
                log.add(c.value());
                return new Result(true, log.size() - 1);
            }
            default:
                throw new IllegalStateException("unhandled kind " + c.kind());
        }
    }

    public String get(String key) {
        return registers.get(key);
    }

    /** The slice [from, min(to, length)) of a log; {@code to < 0} means to the tail. */
    public List<String> read(String key, long from, long to) {
        List<String> log = logs.getOrDefault(key, new ArrayList<>());
        long end = to < 0 ? log.size() : Math.min(to, log.size());
        if (from >= end) {
            return List.of();
        }
        return List.copyOf(log.subList((int) from, (int) end));
    }

    public int logLength(String key) {
        List<String> log = logs.get(key);
        return log == null ? 0 : log.size();
    }

    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(registers.size());
            for (Map.Entry<String, String> e : registers.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(logs.size());
            for (Map.Entry<String, ArrayList<String>> e : logs.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().size());
                for (String v : e.getValue()) {
                    out.writeUTF(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Replaces the whole state with a snapshot's (empty data = empty state). */
    public void restore(byte[] data) {
        registers.clear();
        logs.clear();
        if (data.length == 0) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int nr = in.readInt();
            for (int i = 0; i < nr; i++) {
                registers.put(in.readUTF(), in.readUTF());
            }
            int nl = in.readInt();
            for (int i = 0; i < nl; i++) {
                String key = in.readUTF();
                int len = in.readInt();
                ArrayList<String> log = new ArrayList<>(len);
                for (int j = 0; j < len; j++) {
                    log.add(in.readUTF());
                }
                logs.put(key, log);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed snapshot of " + data.length + " bytes", e);
        }
    }
}
