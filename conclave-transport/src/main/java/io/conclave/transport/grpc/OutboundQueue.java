package io.conclave.transport.grpc;

import com.google.protobuf.CodedOutputStream;
import io.conclave.transport.proto.RaftWire;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded queue of one lane towards one peer: many producers (the runtime's threads), one
 * consumer at a time (the lane's sender). Bounded in messages and in encoded bytes; an offer that
 * would pass either bound is refused, so overflow drops the newest message and never blocks.
 */
final class OutboundQueue {

    /** A queued item: a GroupMessage, LivenessPing or LivenessPong, and its size inside a RaftBatch. */
    record Item(Object wire, int frameBytes) {
    }

    /** What {@link #clear} removed. */
    record Cleared(int messages, long bytes) {
    }

    private final int messagesMax;
    private final long bytesMax;
    private final ConcurrentLinkedQueue<Item> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    OutboundQueue(int messagesMax, long bytesMax) {
        this.messagesMax = messagesMax;
        this.bytesMax = bytesMax;
    }

    static Item item(RaftWire.GroupMessage m) {
        return new Item(m, CodedOutputStream.computeMessageSize(RaftWire.RaftBatch.MESSAGES_FIELD_NUMBER, m));
    }

    static Item item(RaftWire.LivenessPing p) {
        return new Item(p, CodedOutputStream.computeMessageSize(RaftWire.RaftBatch.PINGS_FIELD_NUMBER, p));
    }

    static Item item(RaftWire.LivenessPong p) {
        return new Item(p, CodedOutputStream.computeMessageSize(RaftWire.RaftBatch.PONGS_FIELD_NUMBER, p));
    }

    /** Queues {@code item} unless that would exceed a bound; false when refused. */
    boolean offer(Item item) {
        if (count.incrementAndGet() > messagesMax) {
            count.decrementAndGet();
            return false;
        }
        if (bytes.addAndGet(item.frameBytes()) > bytesMax) {
            bytes.addAndGet(-item.frameBytes());
            count.decrementAndGet();
            return false;
        }
        items.add(item);
        return true;
    }

    /**
     * Moves up to {@code messagesMax} items totalling at most {@code bytesMax} (but always at least
     * one) into {@code batch}; returns how many. Only the lane's sender calls it.
     */
    int drainInto(RaftWire.RaftBatch.Builder batch, int batchMessagesMax, long batchBytesMax) {
        int n = 0;
        long size = 0;
        Item head;
        while (n < batchMessagesMax && (head = items.peek()) != null) {
            if (n > 0 && size + head.frameBytes() > batchBytesMax) {
                break;
            }
            items.poll();
            count.decrementAndGet();
            bytes.addAndGet(-head.frameBytes());
            size += head.frameBytes();
            n++;
            add(batch, head.wire());
        }
        return n;
    }

    /** Empties the queue, returning what it held. */
    Cleared clear() {
        int n = 0;
        long size = 0;
        Item head;
        while ((head = items.poll()) != null) {
            count.decrementAndGet();
            bytes.addAndGet(-head.frameBytes());
            n++;
            size += head.frameBytes();
        }
        return new Cleared(n, size);
    }

    int size() {
        return count.get();
    }

    long bytes() {
        return bytes.get();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    private static void add(RaftWire.RaftBatch.Builder batch, Object wire) {
        if (wire instanceof RaftWire.GroupMessage m) {
            batch.addMessages(m);
        } else if (wire instanceof RaftWire.LivenessPing p) {
            batch.addPings(p);
        } else {
            batch.addPongs((RaftWire.LivenessPong) wire);
        }
    }
}
