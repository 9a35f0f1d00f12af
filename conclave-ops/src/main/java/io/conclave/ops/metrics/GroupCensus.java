package io.conclave.ops.metrics;

import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.raft.StateRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every group hosted on a node for its status, in batches of {@code batchSize}, and keeps the
 * latest {@link CensusReport}; compares each group's leader and term with the previous census and
 * tells listeners of the changes. {@link #takeCensus()} runs one census on the caller's thread
 * (tests); {@link #start()} runs one every {@code intervalMs} on a thread of its own.
 */
public final class GroupCensus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCensus.class);

    /** Where statuses come from: a runtime, or a fake in tests. */
    public interface StatusSource {
        Set<Long> groupIds();

        CompletableFuture<GroupStatus> status(long groupId);

        static StatusSource of(RaftRuntime runtime) {
            return new StatusSource() {
                @Override
                public Set<Long> groupIds() {
                    return runtime.storage().groupIds();
                }

                @Override
                public CompletableFuture<GroupStatus> status(long groupId) {
                    return runtime.status(groupId);
                }
            };
        }
    }

    private final StatusSource source;
    private final CensusConfig config;
    private final List<CensusListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, long[]> lastSeen = new HashMap<>(); // group -> {leader, term}; census thread only
    private volatile CensusReport latest = CensusReport.NONE;
    private final Object lifecycle = new Object();
    private ScheduledExecutorService scheduler;

    public GroupCensus(StatusSource source, CensusConfig config) {
        this.source = source;
        this.config = config.validate();
    }

    public void addListener(CensusListener l) {
        listeners.add(l);
    }

    /** The latest census ({@link CensusReport#NONE} before the first). */
    public CensusReport latest() {
        return latest;
    }

    /** Starts taking a census every {@code intervalMs} (nothing when it is 0); idempotent. */
    public GroupCensus start() {
        synchronized (lifecycle) {
            startLocked();
        }
        return this;
    }

    private void startLocked() {
        if (scheduler == null && config.intervalMs() > 0) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ops-group-census");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::takeCensusLogged, 0, config.intervalMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void takeCensusLogged() {
        try {
            takeCensus();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (RuntimeException e) {
            LOG.warn("group census failed", e);
        }
    }

    /** Takes one census now and returns it; one caller at a time. */
    public synchronized CensusReport takeCensus() throws InterruptedException {
        List<Long> ids = new ArrayList<>(source.groupIds());
        if (ids.size() > config.groupsMax()) {
            ids = ids.subList(0, config.groupsMax());
        }
        Tally t = new Tally();
        for (int from = 0; from < ids.size(); from += config.batchSize()) {
            askBatch(ids.subList(from, Math.min(ids.size(), from + config.batchSize())), t);
        }
        lastSeen.keySet().retainAll(Set.copyOf(ids));
        CensusReport prev = latest;
        CensusReport r = new CensusReport(prev.scans() + 1, ids.size(), t.leaders, t.followers, t.candidates,
                t.leaderless, t.quiesced, t.rejoining, t.broken, t.unanswered, t.termMax, t.applyLagMax,
                prev.leaderChanges() + t.changes.size(), prev.termChanges() + t.termChanges);
        latest = r;
        for (CensusListener l : listeners) {
            l.onCensus(r, List.copyOf(t.changes));
        }
        return r;
    }

    private void askBatch(List<Long> batch, Tally t) throws InterruptedException {
        List<CompletableFuture<GroupStatus>> futures = new ArrayList<>(batch.size());
        for (long gid : batch) {
            try {
                futures.add(source.status(gid));
            } catch (IllegalStateException closed) {
                futures.add(CompletableFuture.failedFuture(closed));
            }
        }
        try {
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                    .get(config.batchTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // counted per group below
        }
        for (CompletableFuture<GroupStatus> f : futures) {
            GroupStatus s = f.isDone() && !f.isCompletedExceptionally() ? f.getNow(null) : null;
            if (s == null) {
                t.unanswered++;
            } else {
                count(s, t);
            }
        }
    }

    private void count(GroupStatus s, Tally t) {
        if (s.broken()) {
            t.broken++;
        }
        if (s.quiesced()) {
            t.quiesced++;
        }
        if (s.rejoining()) {
            t.rejoining++;
        }
        if (s.role() == StateRole.LEADER) {
            t.leaders++;
        } else if (s.role() == StateRole.FOLLOWER) {
            t.followers++;
        } else {
            t.candidates++;
        }
        if (s.leader() == 0) {
            t.leaderless++;
        }
        t.termMax = Math.max(t.termMax, s.term());
        t.applyLagMax = Math.max(t.applyLagMax, s.commitIndex() - s.appliedIndex());
        long[] seen = lastSeen.get(s.groupId());
        long prevLeader = seen == null ? 0 : seen[0];
        long prevTerm = seen == null ? 0 : seen[1];
        if (seen != null && s.term() > prevTerm) {
            t.termChanges++;
        }
        if (s.leader() != 0 && s.leader() != prevLeader) {
            t.changes.add(new LeaderChange(s.groupId(), prevLeader, s.leader(), prevTerm, s.term()));
        }
        // a leader unknown for a moment keeps the last known one, so a brief gap is not two changes
        lastSeen.put(s.groupId(), new long[] {s.leader() != 0 ? s.leader() : prevLeader, s.term()});
    }

    private static final class Tally {
        int leaders;
        int followers;
        int candidates;
        int leaderless;
        int quiesced;
        int rejoining;
        int broken;
        int unanswered;
        long termMax;
        long applyLagMax;
        long termChanges;
        final List<LeaderChange> changes = new ArrayList<>();
    }

    /** Stops the census thread, interrupting a census in progress; idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (scheduler != null) {
                scheduler.shutdownNow();
                scheduler = null;
            }
        }
    }
}
