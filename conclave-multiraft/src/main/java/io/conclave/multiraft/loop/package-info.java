/**
 * Event loops: a few {@link io.conclave.multiraft.loop.EventLoop}s per node (about one per core),
 * each owning a share of the groups (by group id hash) and driving them from one thread with one
 * {@link io.conclave.multiraft.loop.TimerWheel}: inbound messages from a bounded lock-free queue,
 * client tasks, completions posted back by the storage and apply threads, Raft ticks, failover
 * campaigns under an admission limit, and the ready pipeline. A loop is an
 * {@link io.conclave.multiraft.loop.Agent}: tests may call {@code doWork(nowNs)} without a thread;
 * {@link io.conclave.multiraft.loop.AgentThread} runs it on a thread that parks when idle. Nothing
 * here is touched by two threads except the queues and counters documented as such.
 */
package io.conclave.multiraft.loop;
