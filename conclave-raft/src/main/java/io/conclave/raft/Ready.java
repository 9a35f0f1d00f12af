package io.conclave.raft;

import io.conclave.raft.message.Message;
import java.util.Collections;
import java.util.List;

/**
 * What the host must do next for one group. The host, in this order:
 * <ol>
 *   <li>persists {@code hardState}, {@code entries} and {@code snapshot} (fsync when {@code mustSync});
 *       messages whose {@link Message#canSendBeforePersist()} is true may be sent meanwhile;</li>
 *   <li>sends the remaining {@code messages};</li>
 *   <li>applies {@code snapshot} (if any) then {@code committedEntries} to its state machine, and answers
 *       {@code readStates} once it has applied up to each one's index;</li>
 *   <li>calls {@code RaftNode.advance(ready)}.</li>
 * </ol>
 *
 * @param softState the new leader and role, or null when unchanged
 * @param hardState the hard state to persist, or null when unchanged
 * @param readStates reads that may be answered once applied up to their index
 * @param entries entries to append to stable storage (replacing any conflicting suffix)
 * @param snapshot a snapshot to persist and install, or null
 * @param committedEntries entries now committed and ready to apply, in index order
 * @param messages messages to send
 * @param mustSync whether the write must be fsynced before sending (false only when nothing changed
 *     that a crash could make us contradict)
 */
public record Ready(SoftState softState, HardState hardState, List<ReadState> readStates, List<Entry> entries,
                    Snapshot snapshot, List<Entry> committedEntries, List<Message> messages, boolean mustSync) {

    /** The lists are taken over, not copied: the caller must not keep or modify them. */
    public Ready {
        readStates = Collections.unmodifiableList(readStates);
        entries = Collections.unmodifiableList(entries);
        committedEntries = Collections.unmodifiableList(committedEntries);
        messages = Collections.unmodifiableList(messages);
    }

    /** Whether there is anything to persist. */
    public boolean hasPersistentState() {
        return hardState != null || !entries.isEmpty() || snapshot != null;
    }
}
