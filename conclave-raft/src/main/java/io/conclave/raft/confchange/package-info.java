/**
 * Joint-consensus membership change: computes the membership a change leads to, on copies, and
 * rejects changes that are not allowed. Called from the group's owning thread; pure.
 */
package io.conclave.raft.confchange;
