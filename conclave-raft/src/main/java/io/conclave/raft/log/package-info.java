/**
 * A replica's log as the core sees it: stable storage followed by unpersisted entries, with the
 * commit and apply marks and the §5.3 append and conflict rules. Called from the group's owning
 * thread; reads storage through {@link io.conclave.raft.storage.RaftStorage}, never writes it.
 */
package io.conclave.raft.log;
