package io.conclave.sim.runtime;

import java.util.EnumSet;
import java.util.Locale;

/** The faults the runtime nemesis can inject. */
public enum RuntimeFault {
    /** A partition of a random shape: isolate a node, isolate a group's leader node, one-way, one link. */
    PARTITION,
    /** Packet loss, duplication and reordering on every link for a while. */
    LOSSY_NET,
    /** Links clogged (packets held), then released. */
    CLOG,
    /** A node loses power (unsynced writes lost, maybe torn) and restarts later from its disk. */
    CRASH,
    /** The power goes out in the middle of a write: after a few more disk changes, then a restart. */
    TORN_CRASH,
    /** A node's fsyncs become twenty times slower for a while. */
    SLOW_DISK,
    /** A node's process freezes (a long GC pause) for a while, then resumes; its time moved on. */
    PAUSE,
    /** A node's monotonic clock runs up to 20 % fast or slow for a while. */
    CLOCK_DRIFT;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a comma list of labels; {@code all} and {@code none} are accepted. */
    public static EnumSet<RuntimeFault> parseList(String list) {
        EnumSet<RuntimeFault> out = EnumSet.noneOf(RuntimeFault.class);
        for (String part : list.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty() || p.equals("none")) {
                continue;
            }
            if (p.equals("all")) {
                return EnumSet.allOf(RuntimeFault.class);
            }
            RuntimeFault found = null;
            for (RuntimeFault f : values()) {
                if (f.label().equals(p)) {
                    found = f;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown runtime nemesis '" + part.trim()
                        + "'; known: all, none, partition, lossy-net, clog, crash, torn-crash, slow-disk, pause, clock-drift");
            }
            out.add(found);
        }
        return out;
    }
}
