package io.conclave.bench.storage;

/** One way of making appends of many groups durable. */
interface Shape extends AutoCloseable {

    String name();

    /**
     * Queues one entry for {@code group}; {@code done} runs (on the shape's writer thread) once it
     * is durable. False when the shape pushes back.
     */
    boolean append(int group, byte[] data, Runnable done);

    /** fsyncs made so far (file syncs; for the WAL shape only the WAL's). */
    long fsyncs();

    @Override
    void close() throws Exception;
}
