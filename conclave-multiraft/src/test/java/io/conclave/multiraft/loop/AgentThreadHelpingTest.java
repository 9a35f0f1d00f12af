package io.conclave.multiraft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.support.Await;
import io.conclave.multiraft.time.SystemClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AgentThread#runHere}: a thread that queued work runs a turn of the agent itself when the
 * agent is free, and leaves the owner asleep unless something is left for it.
 */
class AgentThreadHelpingTest {

    /** Long enough that an owner which is not woken cannot be mistaken for one that was. */
    private static final long OWNER_PARK_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long AWAIT_MS = 10_000;

    /** Takes at most {@code perTurn} items a turn; records which thread took each. */
    private static final class QueueAgent implements Agent {
        final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
        final List<String> takenBy = new CopyOnWriteArrayList<>();
        final int perTurn;
        /** A timer the agent's work may set: the absolute time of the next one, or MAX. */
        final AtomicLong timerAtNs = new AtomicLong(Long.MAX_VALUE);
        volatile long timerFiredOn;
        volatile CountDownLatch blockTurn;
        final CountDownLatch inTurn = new CountDownLatch(1);
        volatile RuntimeException failWith;

        QueueAgent(int perTurn) {
            this.perTurn = perTurn;
        }

        @Override
        public int doWork(long nowNs) {
            if (failWith != null) {
                throw failWith;
            }
            CountDownLatch block = blockTurn;
            if (block != null) {
                inTurn.countDown();
                try {
                    block.await(AWAIT_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int n = 0;
            String item;
            while (n < perTurn && (item = queue.poll()) != null) {
                takenBy.add(item + "@" + Thread.currentThread().getName());
                if (item.startsWith("timer")) {
                    timerAtNs.set(nowNs + TimeUnit.MILLISECONDS.toNanos(1));
                }
                n++;
            }
            if (timerAtNs.get() <= nowNs) {
                timerAtNs.set(Long.MAX_VALUE);
                timerFiredOn = Thread.currentThread().getId();
                n++;
            }
            return n;
        }

        @Override
        public boolean hasWork() {
            return !queue.isEmpty();
        }

        @Override
        public long idleParkNs(long nowNs, long runnerParkNs) {
            long at = timerAtNs.get();
            return at == Long.MAX_VALUE ? runnerParkNs : Math.max(0, at - nowNs);
        }
    }

    private static final AtomicLong OWNERS = new AtomicLong();
    private final String ownerName = "helping-owner-" + OWNERS.incrementAndGet();
    private AgentThread owner;

    @AfterEach
    void stop() {
        if (owner != null) {
            owner.close();
        }
    }

    private AgentThread started(QueueAgent agent) {
        owner = new AgentThread(ownerName, agent, SystemClock.INSTANCE, OWNER_PARK_NS).start();
        return owner;
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(Duration.ofMillis(AWAIT_MS), condition, () -> what);
    }

    /** Waits until the owner has parked with nothing queued (its first turn found nothing). */
    private void awaitOwnerParked(AgentThread t) {
        await(() -> ownerThread().getState() == Thread.State.TIMED_WAITING, "the owner parks");
    }

    private Thread ownerThread() {
        return findThread(ownerName);
    }

    private static Thread findThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void aFreeAgentRunsOnTheHelpersThreadAndTheOwnerStaysAsleep() throws Exception {
        QueueAgent agent = new QueueAgent(10);
        AgentThread t = started(agent);
        awaitOwnerParked(t);
        agent.queue.add("a");
        assertThat(t.runHere()).isTrue();
        assertThat(agent.takenBy).containsExactly("a@" + Thread.currentThread().getName());
        assertThat(ownerThread().getState()).isEqualTo(Thread.State.TIMED_WAITING);
    }

    @Test
    void aHelperFindingTheAgentBusyLeavesTheWorkToTheOwner() throws Exception {
        QueueAgent agent = new QueueAgent(10);
        CountDownLatch release = new CountDownLatch(1);
        agent.blockTurn = release;
        AgentThread t = started(agent); // the owner's first turn waits inside the agent
        await(() -> agent.inTurn.getCount() == 0, "the owner is inside its turn");
        agent.queue.add("b");
        assertThat(t.runHere()).isFalse();
        assertThat(agent.takenBy).isEmpty();
        agent.blockTurn = null;
        release.countDown();
        await(() -> agent.takenBy.contains("b@" + ownerName), "the owner takes the item");
    }

    @Test
    void workLeftByAHelpersTurnWakesTheOwner() throws Exception {
        QueueAgent agent = new QueueAgent(1);
        AgentThread t = started(agent);
        awaitOwnerParked(t);
        agent.queue.add("first");
        agent.queue.add("second");
        assertThat(t.runHere()).isTrue();
        assertThat(agent.takenBy.get(0)).isEqualTo("first@" + Thread.currentThread().getName());
        await(() -> agent.takenBy.contains("second@" + ownerName), "the owner takes what the helper left");
    }

    @Test
    void aTimerSetByAHelperSoonerThanTheOwnersParkWakesTheOwner() throws Exception {
        QueueAgent agent = new QueueAgent(10);
        AgentThread t = started(agent);
        awaitOwnerParked(t); // parked for OWNER_PARK_NS: no timer is set
        agent.queue.add("timer");
        assertThat(t.runHere()).isTrue();
        long ownerId = ownerThread().getId();
        await(() -> agent.timerFiredOn == ownerId, "the owner runs the timer the helper set");
    }

    @Test
    void noHelpBeforeStartNorAfterTheAgentFailed() throws Exception {
        QueueAgent agent = new QueueAgent(10);
        AgentThread t = new AgentThread(ownerName, agent, SystemClock.INSTANCE, OWNER_PARK_NS);
        agent.queue.add("early");
        assertThat(t.runHere()).as("before start").isFalse();
        assertThat(agent.takenBy).isEmpty();
        owner = t.start();
        await(() -> agent.takenBy.contains("early@" + ownerName), "the owner takes what was queued before start");
        awaitOwnerParked(t);

        agent.failWith = new IllegalStateException("planted");
        Thread ownerThread = ownerThread();
        ownerThread.setUncaughtExceptionHandler((th, e) -> { });
        assertThat(t.runHere()).as("the failing turn").isTrue();
        assertThat(t.failure()).hasMessage("planted");
        assertThat(t.runHere()).as("after the failure").isFalse();
        await(() -> !ownerThread.isAlive(), "the owner stops");
        owner = null;
    }
}
