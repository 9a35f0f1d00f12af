package io.conclave.raft.message;

import io.conclave.raft.Entry;
import java.util.Collections;
import java.util.List;

/**
 * Follower → leader: proposals forwarded because proposal forwarding is on. The entries' term and
 * index are placeholders (0); the leader assigns both. Carries no term.
 */
public record ProposalForward(long from, long to, long term, List<Entry> entries) implements Message {

    public ProposalForward {
        entries = Collections.unmodifiableList(entries); // taken over, not copied: callers pass fresh lists
    }

    @Override
    public MessageType type() {
        return MessageType.PROPOSE;
    }

    @Override
    public long sizeBytes() {
        long n = 48;
        for (Entry e : entries) {
            n += e.sizeBytes();
        }
        return n;
    }
}
