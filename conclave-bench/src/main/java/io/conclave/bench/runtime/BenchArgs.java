package io.conclave.bench.runtime;

import io.conclave.multiraft.liveness.LivenessConfig;
import io.conclave.multiraft.node.RuntimeConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} arguments of a benchmark main, with defaults; an unknown name is an error.
 * Every main also takes the runtime overrides of {@link #runtimeConfig()}: {@code --dir},
 * {@code --quiesce-idle-ticks}, {@code --ping-interval-ms}, {@code --phi}, {@code --acceptable-pause-ms}, {@code --unreachable-silence-ms},
 * {@code --loops}, {@code --election-timeout-ticks}, {@code --wal-preallocate} (true or false; true by
 * default, as a node runs: docs/storage-wal.md).
 */
final class BenchArgs {

    private static final Set<String> COMMON = Set.of("dir", "quiesce-idle-ticks", "ping-interval-ms", "phi",
            "acceptable-pause-ms", "unreachable-silence-ms", "loops", "election-timeout-ticks", "wal-preallocate");

    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] args, Set<String> own) {
        Set<String> known = new java.util.TreeSet<>(own);
        known.addAll(COMMON);
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("arguments come in pairs: --name value");
        }
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : args[i];
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown argument --" + name + "; known: " + known);
            }
            values.put(name, args[i + 1]);
        }
    }

    int integer(String name, int dflt) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : dflt;
    }

    long number(String name, long dflt) {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : dflt;
    }

    double decimal(String name, double dflt) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : dflt;
    }

    String text(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    /** The production defaults with this run's overrides. */
    RuntimeConfig runtimeConfig() {
        RuntimeConfig d = RuntimeConfig.defaults();
        LivenessConfig l = d.liveness()
                .withPingIntervalNs(number("ping-interval-ms", d.liveness().pingIntervalNs() / 1_000_000) * 1_000_000)
                .withPhiThreshold(decimal("phi", d.liveness().phiThreshold()))
                .withAcceptablePauseNs(number("acceptable-pause-ms", d.liveness().acceptablePauseNs() / 1_000_000)
                        * 1_000_000)
                .withUnreachableSilenceNs(number("unreachable-silence-ms",
                        d.liveness().unreachableSilenceNs() / 1_000_000) * 1_000_000);
        String prealloc = text("wal-preallocate", "true");
        if (!prealloc.equals("true") && !prealloc.equals("false")) {
            throw new IllegalArgumentException("--wal-preallocate is true or false, was '" + prealloc + "'");
        }
        io.conclave.storage.engine.EngineConfig storage = d.storage()
                .withWal(d.storage().wal().withPreallocate(Boolean.parseBoolean(prealloc)));
        return RuntimeConfig.builder()
                .storage(storage)
                .quiesceIdleTicks(integer("quiesce-idle-ticks", d.quiesceIdleTicks()))
                .loopCount(integer("loops", d.loopCount()))
                .electionTimeoutTicks(integer("election-timeout-ticks", d.electionTimeoutTicks()))
                .liveness(l)
                .build();
    }

    /** The overrides given, for the report line. */
    String overrides() {
        StringBuilder sb = new StringBuilder();
        for (String k : new java.util.TreeSet<>(values.keySet())) {
            if (COMMON.contains(k) && !k.equals("dir")) {
                sb.append(' ').append(k).append('=').append(values.get(k));
            }
        }
        return sb.length() == 0 ? " (defaults)" : sb.toString();
    }

    Path dir() {
        return Path.of(text("dir", "/tmp"));
    }
}
