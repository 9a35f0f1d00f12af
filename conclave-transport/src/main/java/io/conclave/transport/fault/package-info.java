/**
 * Owns the fault rules (isolation, cut links, delays, random loss) that integration tests put on
 * the real transport. Read by the transport's sending and receiving threads, written by tests.
 * Never used in production wiring and never by the simulator, which has a network of its own.
 */
package io.conclave.transport.fault;
