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
    CLOCK_DRIFT,
    /**
     * A node's clocks jump: the monotonic clock forward (1 ms to 5 min, a suspended VM), the wall clock
     * forward or back (1 ms to 5 min, an NTP step).
     */
    CLOCK_BUMP,
    /** A node's wall clock strobes: three to eight jumps back and forth (1 ms to 1 min) within a second. */
    CLOCK_STROBE,
    /** A node's disk is replaced by an empty one; it rejoins every group as a learner and is promoted back. */
    WIPE,
    /** A node's disk fills up: writes fail with a disk-full error for a while. */
    DISK_FULL,
    /** A node's reads fail with an I/O error (1 % to 30 % of them) for a while. */
    READ_ERRORS,
    /** While a node is down, one of its files gets bit flips or is cut short; it restarts from that disk. */
    CORRUPTION,
    /** A voter is demoted to learner or removed, then re-added as a learner, caught up and promoted. */
    MEMBERSHIP,
    /** A group's leader is asked to hand leadership to another voter. */
    TRANSFER,
    /**
     * A group's replica moves from one of its voters (sometimes the leader) to a node that does not host
     * it: created there, added as a learner, promoted, the source removed and its replica destroyed.
     */
    MOVE;

    /** Every label, comma separated. */
    public static String known() {
        StringBuilder sb = new StringBuilder();
        for (RuntimeFault f : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(f.label());
        }
        return sb.toString();
    }

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
                        + "'; known: all, none, " + known());
            }
            out.add(found);
        }
        return out;
    }
}
