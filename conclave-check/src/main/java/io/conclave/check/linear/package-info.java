/**
 * The linearizability checker: a Wing–Gong–Lowe search with Lowe's memoization of (linearized set,
 * model state), run per key (P-compositionality) on a bounded thread pool, over two models: the
 * key-value register and the partition log of {@code shared/history-format.md}. Each search is
 * single-threaded and owns its own state; the checker's pool threads run whole keys and never share
 * a search. Never touches files or clocks; every search has a state budget and reports UNKNOWN past
 * it, never a pass.
 */
package io.conclave.check.linear;
