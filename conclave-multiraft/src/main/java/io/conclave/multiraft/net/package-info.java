/**
 * The runtime's view of the network: {@link io.conclave.multiraft.net.Transport} (the shape of
 * {@code conclave-transport}'s interface: send per (node, group), a priority lane, inbound envelopes
 * of many groups' messages) and {@link io.conclave.multiraft.net.LoopbackNetwork}, an in-memory
 * network for tests with node isolation. Any event loop may send; inbound handlers run on the
 * transport's threads and only enqueue. Group id 0 is reserved for node-level liveness pings.
 */
package io.conclave.multiraft.net;
