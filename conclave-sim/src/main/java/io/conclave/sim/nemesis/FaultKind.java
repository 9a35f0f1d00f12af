package io.conclave.sim.nemesis;

import java.util.EnumSet;
import java.util.Locale;

/** The kinds of fault a nemesis can inject. */
public enum FaultKind {
    /** A partition of a random shape: isolate, clean split, bridge, ring, one-way, one link. */
    PARTITION,
    /** Packet loss, duplication and reordering on every link for a while. */
    LOSSY_NET,
    /** Links clogged one by one, then all released. */
    CLOG,
    /** Slow inter-rack links for a while. */
    SLOW_NET,
    /** A node crashes (losing unsynced writes) and restarts later. */
    CRASH,
    /** A node freezes (a long GC pause) and resumes later. */
    PAUSE,
    /** A node loses its disk and rejoins every group as a new replica. */
    WIPE,
    /** Clock drift, bumps and strobing. */
    CLOCK,
    /** A node's fsyncs become slow for a while. */
    SLOW_DISK,
    /** Membership changes: replicas moved between nodes, voters demoted to learners and promoted back. */
    MEMBERSHIP,
    /** Leadership transferred to another voter. */
    TRANSFER,
    /** A replica snapshots and compacts its log. */
    SNAPSHOT;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a comma-separated list of labels; {@code all} and {@code none} are accepted. */
    public static EnumSet<FaultKind> parseList(String list) {
        EnumSet<FaultKind> out = EnumSet.noneOf(FaultKind.class);
        for (String part : list.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty() || p.equals("none")) {
                continue;
            }
            if (p.equals("all")) {
                out.addAll(EnumSet.allOf(FaultKind.class));
                continue;
            }
            FaultKind found = null;
            for (FaultKind k : values()) {
                if (k.label().equals(p)) {
                    found = k;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown nemesis '" + part.trim() + "'; known: all, none, "
                        + String.join(", ", java.util.Arrays.stream(values()).map(FaultKind::label).toList()));
            }
            out.add(found);
        }
        return out;
    }
}
