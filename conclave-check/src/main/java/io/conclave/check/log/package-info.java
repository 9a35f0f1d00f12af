/**
 * Log scans over append/read histories, per partition, in the manner of Jepsen's Kafka checker: lost
 * acknowledged writes, duplicates, inconsistent offsets, aborted and phantom reads, stale and
 * non-monotonic reads, offsets out of real-time order, writes missing from the final read; and the
 * convergence check for {@code eventual} writes after the faults heal. Pure functions of their input,
 * called from any thread; never touch files or clocks. Unlike the linearizability search these scans
 * are linear-ish in the history (sorting and prefix maxima), so they run on histories of any size.
 */
package io.conclave.check.log;
