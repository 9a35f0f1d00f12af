/**
 * The core's view of stable storage ({@link io.conclave.raft.storage.RaftStorage}: read-only to the
 * core, written by the host) and an in-memory implementation for tests and simulation. Called from
 * the thread that owns the group; never touches files.
 */
package io.conclave.raft.storage;
