/**
 * Operation histories: the {@link io.conclave.check.history.Operation} record, the immutable
 * {@link io.conclave.check.history.History}, the JSON-lines reader and writer of
 * {@code shared/history-format.md}, and the thread-safe {@link io.conclave.check.history.HistoryRecorder}
 * that workloads use while they run. Readers and writers are called from whichever thread loads or
 * saves a history; the recorder may be called from many client threads at once. Nothing here
 * judges a history beyond the format's own rules; that is the checkers' job.
 */
package io.conclave.check.history;
