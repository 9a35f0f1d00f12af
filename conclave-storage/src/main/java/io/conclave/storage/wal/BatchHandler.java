package io.conclave.storage.wal;

import java.io.IOException;
import java.util.List;

/**
 * What the {@link GroupCommitWriter} tells its owner about each batch; all calls come from the
 * writer's thread, in WAL order.
 */
public interface BatchHandler {

    /**
     * Called for each request as it is taken from the queue, before it is encoded. Answering false
     * leaves it out of the WAL; the handler then completes its callback itself.
     */
    boolean admit(WriteRequest request);

    /** The batch is written and fsynced in WAL file {@code fileSeq}. The handler completes the callbacks. */
    void onDurable(List<WriteRequest> batch, long fileSeq);

    /** The batch could not be persisted; nothing of it will be replayed. The handler completes the callbacks. */
    void onFailed(List<WriteRequest> batch, IOException cause);

    /** A handler that only completes the callbacks. */
    BatchHandler CALLBACKS_ONLY = new BatchHandler() {
        @Override
        public boolean admit(WriteRequest request) {
            return true;
        }

        @Override
        public void onDurable(List<WriteRequest> batch, long fileSeq) {
            for (WriteRequest r : batch) {
                r.callback().onDurable();
            }
        }

        @Override
        public void onFailed(List<WriteRequest> batch, IOException cause) {
            for (WriteRequest r : batch) {
                r.callback().onFailed(cause);
            }
        }
    };
}
