/**
 * The Java client library of Conclave: {@link io.conclave.client.ConclaveClient} (connections to the
 * nodes and the cached cluster metadata), {@link io.conclave.client.Producer} (batching, key routing,
 * idempotent retries), {@link io.conclave.client.Consumer} (assigned partitions, positions, long-poll
 * fetches) and {@link io.conclave.client.Admin} (topics and cluster operations).
 *
 * <p>Threads: a client has one network thread, which serves its channels and owns every producer's
 * batches (produce answers are read and handled there); user threads only reserve buffer space and hand
 * records over. A consumer is used by one user thread at a time. Other calls' gRPC callbacks run on
 * gRPC's executor and only hand results back to the owner. The package never touches a node's
 * storage or Raft state: it speaks only the client API of {@code conclave-api}.
 */
package io.conclave.client;
