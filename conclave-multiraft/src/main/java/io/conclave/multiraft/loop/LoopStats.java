package io.conclave.multiraft.loop;

/**
 * Counters of one event loop since start (or summed over loops).
 *
 * @param replicas groups owned
 * @param messagesIn Raft messages stepped
 * @param messagesDropped inbound messages refused by the full queue (back-pressure)
 * @param messagesUnknownGroup inbound messages for a group this node does not host
 * @param messagesRefused outbound messages the transport did not take (full queue, unreachable peer)
 * @param tasksRefused client tasks refused by the full queue
 * @param readies Readies handled
 * @param applyBackPressure times a Ready was held back because the applier was behind
 * @param persistRetries persists retried after a full WAL queue or disk
 * @param persistFailures persists that failed (the replica was rebuilt from storage)
 * @param electionsStarted failover and bootstrap campaigns started
 * @param electionsDeferred campaigns that had to wait for the admission limit
 * @param snapshotsStored state-machine snapshots written to the group logs
 * @param rejoinsDemoted rejoining replicas seen demoted to learners
 * @param rejoinsCompleted rejoining replicas that became voters again
 * @param stalePromotionsDropped rejoin promotions forwarded to a leader here and dropped: the membership had
 *     decided the node's role since its rejoin's demotion, or the promotion was already granted
 * @param ticks Raft ticks given to replicas (resting groups get none)
 * @param helpedTurns turns run by the network thread that queued the work (Raft messages, a produce
 *     request), the loop being free: the loop's own thread was not woken
 * @param helpMisses times such a thread found another in the loop and woke the loop's thread instead
 */
public record LoopStats(long replicas, long messagesIn, long messagesDropped, long messagesUnknownGroup,
                        long messagesRefused, long tasksRefused, long readies, long applyBackPressure, long persistRetries,
                        long persistFailures, long electionsStarted, long electionsDeferred, long snapshotsStored,
                        long rejoinsDemoted, long rejoinsCompleted, long stalePromotionsDropped, long ticks,
                        long helpedTurns, long helpMisses) {

    public LoopStats plus(LoopStats o) {
        return new LoopStats(replicas + o.replicas, messagesIn + o.messagesIn, messagesDropped + o.messagesDropped,
                messagesUnknownGroup + o.messagesUnknownGroup, messagesRefused + o.messagesRefused, tasksRefused + o.tasksRefused, readies + o.readies,
                applyBackPressure + o.applyBackPressure, persistRetries + o.persistRetries,
                persistFailures + o.persistFailures, electionsStarted + o.electionsStarted,
                electionsDeferred + o.electionsDeferred, snapshotsStored + o.snapshotsStored,
                rejoinsDemoted + o.rejoinsDemoted, rejoinsCompleted + o.rejoinsCompleted,
                stalePromotionsDropped + o.stalePromotionsDropped, ticks + o.ticks, helpedTurns + o.helpedTurns,
                helpMisses + o.helpMisses);
    }

    public static final LoopStats ZERO = new LoopStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
