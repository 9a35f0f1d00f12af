package io.conclave.raft.message;

import io.conclave.raft.Entry;
import java.util.Collections;
import java.util.List;

/** Leader → follower: entries to append after (prevLogIndex, prevLogTerm), and the leader's commit. */
public record AppendEntries(long from, long to, long term, long prevLogIndex, long prevLogTerm,
                            List<Entry> entries, long commit) implements Message {

    public AppendEntries {
        entries = Collections.unmodifiableList(entries); // taken over, not copied: callers pass fresh lists
    }

    @Override
    public MessageType type() {
        return MessageType.APPEND;
    }

    @Override
    public boolean canSendBeforePersist() {
        return true;
    }

    @Override
    public long sizeBytes() {
        long n = 64;
        for (Entry e : entries) {
            n += e.sizeBytes();
        }
        return n;
    }

    /** Index of the last entry carried, or prevLogIndex when empty. */
    public long lastIndex() {
        return entries.isEmpty() ? prevLogIndex : entries.get(entries.size() - 1).index();
    }
}
