/**
 * The apply pipeline: committed entries and installed snapshots go from an event loop to its
 * {@link io.conclave.multiraft.apply.Applier} through a bounded queue and are applied in order per
 * group to the {@link io.conclave.multiraft.apply.StateMachine}, on the applier's own thread, off
 * the Raft step path. The applier also takes state-machine snapshots every N entries/bytes. It
 * never touches a {@code RaftNode} or a {@code GroupLog}: what it learns goes back to the owning
 * loop as a posted completion.
 */
package io.conclave.multiraft.apply;
