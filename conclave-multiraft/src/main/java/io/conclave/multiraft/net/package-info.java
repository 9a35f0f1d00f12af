/**
 * An in-memory network for tests: {@link io.conclave.multiraft.net.LoopbackNetwork} hands out
 * endpoints implementing {@code conclave-transport}'s {@link io.conclave.transport.Transport}, so
 * the runtime's tests run the same code over loopback and over gRPC. Drops follow the shared
 * {@link io.conclave.transport.fault.FaultInjector} (isolation, cut links, loss; delays are not
 * simulated). Sends run on the sender's thread and end in the receiver's inbound handler, which
 * only enqueues.
 */
package io.conclave.multiraft.net;
