package io.conclave.transport.grpc;

import io.conclave.raft.message.MessageType;
import io.conclave.transport.Envelope;
import io.conclave.transport.InboundHandler;
import io.conclave.transport.Liveness;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/** Records what a node receives; can hold the thread of frames carrying one message type until released. */
final class RecordingHandler implements InboundHandler {

    record Received(long from, Envelope envelope) {
    }

    record Signal(long from, Liveness signal) {
    }

    final ConcurrentLinkedQueue<Received> messages = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Signal> signals = new ConcurrentLinkedQueue<>();
    /** Counted down when a frame is held. */
    final CountDownLatch held = new CountDownLatch(1);
    /** Count it down to let held frames through. */
    final CountDownLatch release = new CountDownLatch(1);
    private volatile MessageType holdType;
    private volatile BiConsumer<Long, Liveness> onLiveness = (from, s) -> { };

    /** Holds every frame that carries a message of {@code type} until {@link #release} is counted down. */
    void holdFramesWith(MessageType type) {
        holdType = type;
    }

    void onLiveness(BiConsumer<Long, Liveness> action) {
        onLiveness = action;
    }

    @Override
    public void onMessages(long fromNode, List<Envelope> batch) {
        MessageType hold = holdType;
        if (hold != null && batch.stream().anyMatch(e -> e.message().type() == hold)) {
            held.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("held frame never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (Envelope e : batch) {
            messages.add(new Received(fromNode, e));
        }
    }

    @Override
    public void onLiveness(long fromNode, Liveness signal) {
        signals.add(new Signal(fromNode, signal));
        onLiveness.accept(fromNode, signal);
    }

    long count(long from, MessageType type) {
        return messages.stream().filter(r -> r.from() == from && r.envelope().message().type() == type).count();
    }

    List<Envelope> from(long from, MessageType type) {
        return messages.stream().filter(r -> r.from() == from && r.envelope().message().type() == type)
                .map(Received::envelope).collect(Collectors.toList());
    }
}
