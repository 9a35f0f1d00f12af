package io.conclave.ops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.multiraft.liveness.LivenessConfig;
import io.conclave.multiraft.node.RuntimeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("node.properties");
        Files.write(f, List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    private static Map<String, String> flags(String... keyValues) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static List<String> problems(Path file, Map<String, String> env, Map<String, String> flags) {
        try {
            NodeConfig.load(file, env, flags);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains(e.problems().get(0));
            return e.problems();
        }
        throw new AssertionError("the configuration was accepted");
    }

    @Test
    void aNodeGivenNoSettingsRunsTheRuntimesOwnDefaults() throws Exception {
        NodeConfig c = NodeConfig.of(Map.of("node.id", "4"));
        assertThat(c.livenessConfig()).isEqualTo(LivenessConfig.defaults());
        RuntimeConfig r = c.runtimeConfig();
        RuntimeConfig d = RuntimeConfig.builder().build();
        assertThat(r.tickIntervalNs()).isEqualTo(d.tickIntervalNs());
        assertThat(r.electionTimeoutTicks()).isEqualTo(d.electionTimeoutTicks());
        assertThat(r.heartbeatIntervalTicks()).isEqualTo(d.heartbeatIntervalTicks());
        assertThat(r.quiesceIdleTicks()).isEqualTo(d.quiesceIdleTicks());
        assertThat(r.snapshotEntries()).isEqualTo(d.snapshotEntries());
    }

    @Test
    void defaultsApplyWhenOnlyTheNodeIdIsGiven() throws Exception {
        NodeConfig c = NodeConfig.of(Map.of("node.id", "4"));
        assertThat(c.nodeId()).isEqualTo(4);
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.raftPort()).isEqualTo(7001);
        assertThat(c.clientPort()).isEqualTo(7002);
        assertThat(c.httpPort()).isEqualTo(7003);
        assertThat(c.httpEnabled()).isTrue();
        assertThat(c.runtimeLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.runtimeTickMs()).isEqualTo(10);
        assertThat(c.raftElectionTicks()).isEqualTo(30);
        assertThat(c.livenessPingMs()).isEqualTo(10);
        assertThat(c.livenessPhiThreshold()).isEqualTo(8.0);
        assertThat(c.livenessPauseMs()).isEqualTo(150);
        assertThat(c.storageFsync()).isTrue();
        assertThat(c.clusterId()).isEmpty();
        assertThat(c.rack()).isEmpty();
        assertThat(c.seeds()).isEmpty();
        assertThat(c.initialControllers()).isEmpty();
        assertThat(c.logLevel()).isEqualTo("INFO");
        assertThat(c.origin(ConfigKey.RAFT_PORT)).isEqualTo(Origin.DEFAULT);
        assertThat(c.origin(ConfigKey.NODE_ID)).isEqualTo(Origin.FLAG);
    }

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path f = file("node.id=1", "raft.port=8001", "client.port=8002", "http.port=8003", "rack=file-rack");
        Map<String, String> env = Map.of("CONCLAVE_CLIENT_PORT", "9002", "CONCLAVE_HTTP_PORT", "9003",
                "CONCLAVE_RACK", "env-rack");
        Map<String, String> flags = Map.of("http.port", "10003");
        NodeConfig c = NodeConfig.load(f, env, flags);
        assertThat(c.raftPort()).isEqualTo(8001);
        assertThat(c.clientPort()).isEqualTo(9002);
        assertThat(c.httpPort()).isEqualTo(10003);
        assertThat(c.rack()).contains("env-rack");
        assertThat(c.runtimeTickMs()).isEqualTo(10);
        assertThat(c.origin(ConfigKey.RAFT_PORT)).isEqualTo(Origin.FILE);
        assertThat(c.origin(ConfigKey.CLIENT_PORT)).isEqualTo(Origin.ENV);
        assertThat(c.origin(ConfigKey.HTTP_PORT)).isEqualTo(Origin.FLAG);
        assertThat(c.origin(ConfigKey.RUNTIME_TICK_MS)).isEqualTo(Origin.DEFAULT);
        assertThat(c.describe()).contains("http.port=10003 (flag --http.port)", "client.port=9002 (env CONCLAVE_CLIENT_PORT)");
    }

    @Test
    void aMissingNodeIdIsRejectedNamingTheKeyAndHowToSetIt() {
        assertThat(problems(null, Map.of(), Map.of()))
                .singleElement().asString().contains("node.id is required", "CONCLAVE_NODE_ID", "--node.id");
    }

    @Test
    void aNodeIdOfZeroIsOutOfRange() {
        assertThat(problems(null, Map.of(), Map.of("node.id", "0")))
                .singleElement().asString().startsWith("node.id (flag --node.id): 0 is out of range");
    }

    @Test
    void anUnknownKeyInTheFileSuggestsTheClosestKnownKey() throws IOException {
        assertThat(problems(file("node.id=1", "raft.prot=7001"), Map.of(), Map.of()))
                .singleElement().asString().contains("unknown key 'raft.prot'", "file ", "did you mean 'raft.port'?");
    }

    @Test
    void anUnknownFlagSuggestsTheClosestKnownKey() {
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "liveness.phi.treshold", "9")))
                .singleElement().asString().contains("flag --liveness.phi.treshold", "did you mean 'liveness.phi.threshold'?");
    }

    @Test
    void anUnknownKeyFarFromEveryKnownOnePointsAtTheDocs() {
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "completely.different.thing", "x")))
                .singleElement().asString().contains("unknown key", "docs/configuration.md").doesNotContain("did you mean");
    }

    @Test
    void anUnknownConclaveEnvironmentVariableSuggestsTheVariableMeant() {
        assertThat(problems(null, Map.of("CONCLAVE_NODE_ID", "1", "CONCLAVE_RAFT_PRT", "1"), Map.of()))
                .singleElement().asString().contains("CONCLAVE_RAFT_PRT", "did you mean CONCLAVE_RAFT_PORT?");
    }

    @Test
    void otherEnvironmentVariablesAndTheLaunchersOwnAreIgnored() throws Exception {
        NodeConfig c = NodeConfig.load(null, Map.of("CONCLAVE_NODE_ID", "2", "CONCLAVE_JAVA_OPTS", "-Xmx1g",
                "CONCLAVE_CONFIG", "/etc/x", "PATH", "/bin", "HOME", "/root"), Map.of());
        assertThat(c.nodeId()).isEqualTo(2);
    }

    @Test
    void aValueThatIsNotANumberIsRejected() {
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "raft.port", "seven")))
                .singleElement().asString().isEqualTo("raft.port (flag --raft.port): 'seven' is not an integer");
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "liveness.phi.threshold", "high")))
                .singleElement().asString().contains("liveness.phi.threshold", "'high' is not a number");
    }

    @Test
    void aPortOutOfRangeIsRejected() {
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "client.port", "70000")))
                .singleElement().asString().contains("client.port", "70000 is out of range [0, 65535]");
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "raft.port", "-1")))
                .singleElement().asString().contains("raft.port", "-1 is out of range");
    }

    @Test
    void theHttpPortMayBeTurnedOffOrEphemeral() throws Exception {
        assertThat(NodeConfig.of(Map.of("node.id", "1", "http.port", "-1")).httpEnabled()).isFalse();
        NodeConfig eph = NodeConfig.of(Map.of("node.id", "1", "http.port", "0", "raft.port", "0", "client.port", "0"));
        assertThat(eph.httpEnabled()).isTrue();
        assertThat(eph.httpPort()).isZero();
    }

    @Test
    void twoListenersOnOnePortAreRejectedNamingBoth() {
        assertThat(problems(null, Map.of("CONCLAVE_CLIENT_PORT", "7001"), Map.of("node.id", "1")))
                .singleElement().asString()
                .contains("client.port (env CONCLAVE_CLIENT_PORT): port 7001 is already taken by raft.port (default)");
    }

    @Test
    void aHeartbeatNotBelowTheElectionTimeoutIsRejected() {
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "raft.heartbeat.ticks", "30")))
                .singleElement().asString().contains("raft.heartbeat.ticks", "must be below raft.election.ticks (30)");
    }

    @Test
    void badBooleansLevelsAndNamesAreRejected() {
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "storage.fsync", "yes", "log.level", "loud",
                "rack", "rack one")))
                .containsExactly("rack (flag --rack): 'rack one' must be at most 64 letters, digits, '.', '_' or '-'",
                        "storage.fsync (flag --storage.fsync): 'yes' is not true or false",
                        "log.level (flag --log.level): 'loud' is not a log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF)");
    }

    @Test
    void seedsAndControllersAreParsedAndMalformedOnesRejected() throws Exception {
        NodeConfig c = NodeConfig.of(Map.of("node.id", "1", "seeds", "a:7002, b:7102",
                "initial.controllers", "1@a:7001:7002,2@b:7101:7102"));
        assertThat(c.seeds()).containsExactly(new HostPort("a", 7002), new HostPort("b", 7102));
        assertThat(c.initialControllers()).containsExactly(new ControllerAddress(1, "a", 7001, 7002),
                new ControllerAddress(2, "b", 7101, 7102));
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "seeds", "a:7002,b")))
                .singleElement().asString().contains("seeds", "'b' is not host:port");
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "initial.controllers", "1@a:7001")))
                .singleElement().asString().contains("initial.controllers", "'1@a:7001' is not id@host:raftPort:clientPort");
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "initial.controllers", "1@a:1:2,1@b:3:4")))
                .singleElement().asString().contains("node 1 is listed twice");
        assertThat(problems(null, Map.of(), Map.of("node.id", "1", "initial.controllers", "1@a:1:99999")))
                .singleElement().asString().contains("port 99999 is out of range");
    }

    @Test
    void everyProblemIsReportedInOnePass() {
        List<String> p = problems(null, Map.of(), Map.of("raft.port", "x", "client.port", "-5", "bogus.key", "1"));
        assertThat(p).hasSize(4);
        assertThat(String.join("\n", p)).contains("bogus.key", "node.id is required", "raft.port", "client.port");
    }

    @Test
    void anUnreadableFileIsReported() {
        assertThat(problems(dir.resolve("missing.properties"), Map.of(), Map.of("node.id", "1")))
                .singleElement().asString().startsWith("cannot read config file");
    }

    @Test
    void theConfigRecordsCarryTheKeysValues() throws Exception {
        NodeConfig c = NodeConfig.of(flags("node.id", "9", "runtime.loops", "3", "runtime.tick.ms", "20",
                "raft.election.ticks", "50", "raft.heartbeat.ticks", "5", "liveness.ping.ms", "25",
                "liveness.phi.threshold", "10.5", "client.request.timeout.ms", "1234", "raft.port", "7301",
                "transport.sender.threads", "3", "storage.wal.file.bytes", "1048576"));
        var rt = c.runtimeConfig();
        assertThat(rt.loopCount()).isEqualTo(3);
        assertThat(rt.tickIntervalNs()).isEqualTo(20_000_000L);
        assertThat(rt.electionTimeoutTicks()).isEqualTo(50);
        assertThat(rt.heartbeatIntervalTicks()).isEqualTo(5);
        assertThat(rt.requestTimeoutNs()).isEqualTo(1_234_000_000L);
        assertThat(rt.liveness().pingIntervalNs()).isEqualTo(25_000_000L);
        assertThat(rt.liveness().phiThreshold()).isEqualTo(10.5);
        assertThat(rt.storage().wal().fileBytesTarget()).isEqualTo(1 << 20);
        assertThat(rt.seed()).isEqualTo(9);
        var tc = c.transportConfig();
        assertThat(tc.bindHost()).isEqualTo("127.0.0.1");
        assertThat(tc.port()).isEqualTo(7301);
        assertThat(tc.senderThreads()).isEqualTo(3);
    }

    @Test
    void editDistanceCountsATranspositionAsOneEdit() {
        assertThat(ConfigKey.editDistance("raft.prot", "raft.port")).isEqualTo(1);
        assertThat(ConfigKey.editDistance("", "abc")).isEqualTo(3);
        assertThat(ConfigKey.editDistance("abc", "abc")).isZero();
    }
}
