/**
 * One group on this node: {@link io.conclave.multiraft.replica.Replica} holds the group's
 * {@code RaftNode}, its {@code GroupLog}, the clients' pending futures (by log index and by read
 * context) and its timers, and carries out the ready pipeline; {@code Campaign} decides when a
 * replica campaigns (failover, bootstrap) and which survivor goes first. Everything here runs on
 * the owning event loop's thread; storage and applier threads reach a replica only through posted completions.
 * {@link io.conclave.multiraft.replica.NodeMeta} is the node's incarnation record. {@code Rejoin} drives a
 * replica back after possible data loss; {@code RejoinDemoted} (which learners a rejoin demoted, derived
 * from the committed membership changes) rides in every stored snapshot inside {@code SnapshotFrame}, so
 * the state machine never sees the frame.
 */
package io.conclave.multiraft.replica;
