package io.conclave.storage.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The segment logs currently open, least recently used first. A SegmentLog keeps three files
 * open, so thousands of groups cannot all stay open. Any thread touches this (holding its group's
 * monitor); only the housekeeper closes the eldest beyond the bound, taking each victim's group
 * monitor itself, so no thread ever holds two group monitors.
 */
final class OpenSegments {

    private final LinkedHashMap<SegmentLogSegments, Boolean> lru = new LinkedHashMap<>(256, 0.75f, true);
    private final int openMax;

    OpenSegments(int openMax) {
        this.openMax = openMax;
    }

    synchronized void touch(SegmentLogSegments s) {
        lru.put(s, Boolean.TRUE);
    }

    synchronized void forget(SegmentLogSegments s) {
        lru.remove(s);
    }

    synchronized int openCount() {
        return lru.size();
    }

    /** Closes the least recently used logs beyond the bound; call holding no group monitor. */
    int closeEldest() {
        List<SegmentLogSegments> victims = new ArrayList<>();
        synchronized (this) {
            int excess = lru.size() - openMax;
            for (Iterator<SegmentLogSegments> it = lru.keySet().iterator(); it.hasNext() && excess > 0; excess--) {
                victims.add(it.next());
            }
        }
        for (SegmentLogSegments s : victims) {
            s.owner().releaseSegments();
        }
        return victims.size();
    }
}
