package io.conclave.ops.metrics;

import io.conclave.multiraft.liveness.LivenessStats;
import io.conclave.multiraft.loop.LoopStats;
import io.conclave.transport.TransportStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Binds a node's counters to a Micrometer registry, named in Prometheus style with a
 * {@code conclave_} prefix ({@code conclave.raft.elections.started} is scraped as
 * {@code conclave_raft_elections_started_total}). Monotonic counts are counters, levels are gauges;
 * all read a {@link RuntimeSampler} (one reading per scrape) or the latest {@link GroupCensus}.
 * Peers that appear after binding get their meters at the next {@link #registerNewPeers()}
 * (called before every scrape by {@code NodeOps}). Docs: {@code docs/operations.md}.
 */
public final class ConclaveMetrics implements MeterBinder {

    /** One meter of the table below. */
    private record Def(String name, boolean counter, String description, ToDoubleFunction<RuntimeSample> read) {
    }

    private static Def counter(String name, String description, ToDoubleFunction<RuntimeSample> read) {
        return new Def(name, true, description, read);
    }

    private static Def gauge(String name, String description, ToDoubleFunction<RuntimeSample> read) {
        return new Def(name, false, description, read);
    }

    private static LoopStats loops(RuntimeSample s) {
        return s.runtime().loops();
    }

    private static LivenessStats live(RuntimeSample s) {
        return s.runtime().liveness();
    }

    /** Every node-wide meter read from the runtime's counters. */
    static final List<Def> NODE_METERS = List.of(
            gauge("conclave.groups.hosted", "Raft groups with a replica on this node", s -> loops(s).replicas()),
            counter("conclave.raft.messages.in", "Raft messages stepped", s -> loops(s).messagesIn()),
            counter("conclave.raft.messages.dropped", "Inbound Raft messages refused by a full loop queue",
                    s -> loops(s).messagesDropped()),
            counter("conclave.raft.messages.unknown.group", "Inbound Raft messages for a group not hosted here",
                    s -> loops(s).messagesUnknownGroup()),
            counter("conclave.raft.messages.refused", "Outbound Raft messages the transport did not take",
                    s -> loops(s).messagesRefused()),
            counter("conclave.client.tasks.refused", "Client requests refused by a full loop queue (BACK_PRESSURE)",
                    s -> loops(s).tasksRefused()),
            counter("conclave.raft.readies", "Raft Readies handled", s -> loops(s).readies()),
            counter("conclave.raft.ticks", "Raft ticks given to replicas", s -> loops(s).ticks()),
            counter("conclave.raft.elections.started", "Failover and bootstrap campaigns started",
                    s -> loops(s).electionsStarted()),
            counter("conclave.raft.elections.deferred", "Campaigns that waited for the election admission limit",
                    s -> loops(s).electionsDeferred()),
            counter("conclave.apply.back.pressure", "Readies held back because the applier was behind",
                    s -> loops(s).applyBackPressure()),
            counter("conclave.apply.entries", "Entries applied to the state machine", s -> s.runtime().entriesApplied()),
            counter("conclave.snapshots.taken", "State-machine snapshots taken", s -> s.runtime().snapshotsTaken()),
            counter("conclave.snapshots.restored", "Snapshots restored into the state machine",
                    s -> s.runtime().snapshotsRestored()),
            counter("conclave.snapshots.stored", "State-machine snapshots written to group logs",
                    s -> loops(s).snapshotsStored()),
            counter("conclave.storage.persist.retries", "Persists retried after a full WAL queue or disk",
                    s -> loops(s).persistRetries()),
            counter("conclave.storage.persist.failures", "Persists that failed (replica rebuilt from storage)",
                    s -> loops(s).persistFailures()),
            counter("conclave.rejoins.demoted", "Rejoining replicas seen demoted to learners",
                    s -> loops(s).rejoinsDemoted()),
            counter("conclave.rejoins.completed", "Rejoining replicas that became voters again",
                    s -> loops(s).rejoinsCompleted()),
            counter("conclave.loop.helped.turns", "Loop turns run by the network thread that queued the work"
                    + " (Raft messages, a produce request), the loop being free", s -> loops(s).helpedTurns()),
            counter("conclave.loop.help.misses", "Times that thread found the loop busy and woke its thread",
                    s -> loops(s).helpMisses()),
            counter("conclave.rejoins.stale.promotions.dropped",
                    "Rejoin promotions a leader here dropped: the membership had decided the node's role since",
                    s -> loops(s).stalePromotionsDropped()),
            counter("conclave.liveness.suspicions", "Peers that crossed the phi threshold", s -> live(s).suspicions()),
            counter("conclave.liveness.recoveries", "Suspected peers heard from again", s -> live(s).recoveries()),
            counter("conclave.liveness.peer.restarts", "Peers seen with a new incarnation", s -> live(s).peerRestarts()),
            counter("conclave.liveness.pings.sent", "Liveness pings sent", s -> live(s).pingsSent()),
            counter("conclave.liveness.pings.received", "Liveness pings received", s -> live(s).pingsReceived()),
            counter("conclave.liveness.pings.dropped", "Ping arrivals refused by a full arrival queue",
                    s -> live(s).pingsDropped()),
            gauge("conclave.transport.peers", "Peers this node sends to", s -> s.transport().peers().size()),
            gauge("conclave.transport.peers.unreachable", "Peers with a lane not connected now",
                    s -> s.transport().unreachablePeers().size()),
            counter("conclave.storage.wal.fsyncs", "fsyncs of WAL files", s -> s.storage().walFsyncs()),
            counter("conclave.storage.wal.batches", "Group-commit batches written to the WAL",
                    s -> s.storage().walBatches()),
            gauge("conclave.storage.wal.files", "WAL files on disk", s -> s.storage().walFiles()),
            counter("conclave.storage.wal.files.reclaimed",
                    "WAL files reclaimed (deleted, or kept as a spare) after every group moved past them",
                    s -> s.storage().walFilesReclaimed()),
            counter("conclave.storage.wal.files.started", "WAL files started",
                    s -> s.storage().walFilesStarted()),
            counter("conclave.storage.wal.files.preallocated", "WAL files started from a spare (zero-filled or recycled)",
                    s -> s.storage().walFilesPreallocated()),
            counter("conclave.storage.wal.files.recycled", "Reclaimed WAL files kept as spares instead of being deleted",
                    s -> s.storage().walFilesRecycled()),
            counter("conclave.storage.writes.held.back",
                    "Writes refused for now (QUEUE_FULL, retried) because their group held 64 MiB not yet in its segments",
                    s -> s.storage().writesHeldBack()),
            counter("conclave.storage.wal.spare.failures", "Attempts to zero-fill the next WAL file that failed",
                    s -> s.storage().walSpareFailures()),
            gauge("conclave.storage.wal.queued.writes", "Write requests waiting for the WAL writer",
                    s -> s.storage().walQueuedWrites()),
            counter("conclave.storage.segment.syncs", "Segment syncs", s -> s.storage().segmentSyncs()),
            counter("conclave.storage.segment.sync.failures", "Segment syncs that failed",
                    s -> s.storage().segmentSyncFailures()),
            counter("conclave.storage.hard.state.rewrites", "Hard-state files replaced",
                    s -> s.storage().hardStateRewrites()),
            gauge("conclave.storage.laggards", "Groups holding WAL reclamation back now", s -> s.storage().laggards()),
            counter("conclave.storage.laggard.reports", "Times a group became a laggard and was asked to snapshot",
                    s -> s.storage().laggardReports()),
            gauge("conclave.storage.groups.unsynced", "Groups whose segments hold writes not yet synced (the WAL has them)",
                    s -> s.storage().unsyncedGroups()),
            gauge("conclave.storage.segment.logs.open", "Segment logs open now", s -> s.storage().openSegmentLogs()));

    /** One per-peer meter, tagged {@code peer="<node id>"}. */
    private record PeerDef(String name, boolean counter, String description,
                           ToDoubleFunction<TransportStats.PeerStats> read) {
    }

    static final List<PeerDef> PEER_METERS = List.of(
            new PeerDef("conclave.transport.peer.reachable", false, "1 when every lane to the peer is connected",
                    p -> p.reachable() ? 1 : 0),
            new PeerDef("conclave.transport.messages.sent", true, "Messages written to the peer's streams",
                    TransportStats.PeerStats::messagesSent),
            new PeerDef("conclave.transport.bytes.sent", true, "Encoded bytes sent to the peer",
                    TransportStats.PeerStats::bytesSent),
            new PeerDef("conclave.transport.batches.sent", true, "Frames sent to the peer",
                    TransportStats.PeerStats::batchesSent),
            new PeerDef("conclave.transport.messages.received", true, "Messages and liveness signals from the peer",
                    TransportStats.PeerStats::messagesReceived),
            new PeerDef("conclave.transport.bytes.received", true, "Encoded bytes received from the peer",
                    TransportStats.PeerStats::bytesReceived),
            new PeerDef("conclave.transport.messages.dropped", true,
                    "Messages to or from the peer refused or lost (full queue, unreachable, broken stream)",
                    TransportStats.PeerStats::messagesDropped),
            new PeerDef("conclave.transport.bytes.dropped", true, "Encoded bytes of the dropped messages",
                    TransportStats.PeerStats::bytesDropped),
            new PeerDef("conclave.transport.reconnects", true, "Connections to the peer re-established",
                    TransportStats.PeerStats::reconnects),
            new PeerDef("conclave.transport.connect.failures", true, "Connection attempts to the peer that failed",
                    TransportStats.PeerStats::connectFailures),
            new PeerDef("conclave.transport.queued.messages", false, "Messages waiting in the peer's queues",
                    TransportStats.PeerStats::queuedMessages),
            new PeerDef("conclave.transport.queued.bytes", false, "Encoded bytes waiting in the peer's queues",
                    TransportStats.PeerStats::queuedBytes));

    private final RuntimeSampler sampler;
    private final GroupCensus census;
    private final Set<Long> peersBound = ConcurrentHashMap.newKeySet();
    private volatile MeterRegistry registry;

    /**
     * @param sampler the node's counters
     * @param census the group census whose latest report the group meters show, or null for none
     */
    public ConclaveMetrics(RuntimeSampler sampler, GroupCensus census) {
        this.sampler = sampler;
        this.census = census;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        if (registry != null) {
            throw new IllegalStateException("ConclaveMetrics is already bound to a registry");
        }
        registry = r;
        for (Def d : NODE_METERS) {
            register(r, d.name(), d.counter(), d.description(), Tags.empty(), sampler, x -> d.read().applyAsDouble(x.sample()));
        }
        if (census != null) {
            bindCensus(r);
        }
        registerNewPeers();
    }

    private void bindCensus(MeterRegistry r) {
        Gauge.builder("conclave.groups.leaders", census, c -> c.latest().leaders())
                .description("Groups whose replica here leads (at the last census)").register(r);
        Gauge.builder("conclave.groups.followers", census, c -> c.latest().followers())
                .description("Groups whose replica here follows (at the last census)").register(r);
        Gauge.builder("conclave.groups.candidates", census, c -> c.latest().candidates())
                .description("Groups whose replica here is campaigning (at the last census)").register(r);
        Gauge.builder("conclave.groups.leaderless", census, c -> c.latest().leaderless())
                .description("Groups whose replica here knows no leader (at the last census)").register(r);
        Gauge.builder("conclave.groups.quiesced", census, c -> c.latest().quiesced())
                .description("Groups resting (at the last census)").register(r);
        Gauge.builder("conclave.groups.rejoining", census, c -> c.latest().rejoining())
                .description("Replicas rejoining as learners (at the last census)").register(r);
        Gauge.builder("conclave.groups.broken", census, c -> c.latest().broken())
                .description("Replicas stopped after a storage failure (at the last census)").register(r);
        Gauge.builder("conclave.groups.unanswered", census, c -> c.latest().unanswered())
                .description("Groups that did not answer the last census in time").register(r);
        Gauge.builder("conclave.raft.term.max", census, c -> c.latest().termMax())
                .description("Highest Raft term among the groups hosted (at the last census)").register(r);
        Gauge.builder("conclave.apply.lag.entries.max", census, c -> c.latest().applyLagMax())
                .description("Largest commit index minus applied index among the groups (at the last census)")
                .register(r);
        FunctionCounter.builder("conclave.groups.leader.changes", census, c -> c.latest().leaderChanges())
                .description("Leader changes seen between censuses (first sightings included)").register(r);
        FunctionCounter.builder("conclave.groups.term.changes", census, c -> c.latest().termChanges())
                .description("Term increases seen between censuses").register(r);
        FunctionCounter.builder("conclave.groups.censuses", census, c -> c.latest().scans())
                .description("Group censuses taken").register(r);
    }

    /** Registers the per-peer meters of peers seen for the first time; cheap when there are none. */
    public void registerNewPeers() {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        for (long peer : sampler.sample().transport().peers().keySet()) {
            if (!peersBound.add(peer)) {
                continue;
            }
            Tags tags = Tags.of("peer", Long.toString(peer));
            for (PeerDef d : PEER_METERS) {
                register(r, d.name(), d.counter(), d.description(), tags, sampler,
                        x -> d.read().applyAsDouble(x.sample().transport().peer(peer)));
            }
        }
    }

    private static void register(MeterRegistry r, String name, boolean counter, String description, Tags tags,
                                 RuntimeSampler sampler, ToDoubleFunction<RuntimeSampler> read) {
        if (counter) {
            FunctionCounter.builder(name, sampler, read).description(description).tags(tags).register(r);
        } else {
            Gauge.builder(name, sampler, read).strongReference(true).description(description).tags(tags).register(r);
        }
    }
}
