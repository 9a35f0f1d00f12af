package io.conclave.multiraft.process;

import io.conclave.multiraft.node.NotLeaderException;
import io.conclave.multiraft.node.RaftRuntime;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.replica.GroupStatus;
import io.conclave.multiraft.support.TestStateMachine;
import io.conclave.multiraft.time.SystemClock;
import io.conclave.storage.disk.RealDisk;
import io.conclave.transport.TransportConfig;
import io.conclave.transport.grpc.GrpcTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Conclave node as its own process, for crash tests: a {@link RaftRuntime} over
 * {@link GrpcTransport} on 127.0.0.1 and a {@link RealDisk}, driven by a line protocol.
 *
 * <p>Arguments: {@code nodeId dataDir port peerId=port...}. Prints {@code READY} once started and its
 * peers are added. Commands on stdin, one answer line each on stdout:
 * <ul>
 *   <li>{@code create G} → {@code CREATED G} (genesis voters: this node and its peers)</li>
 *   <li>{@code propose G VALUE} → {@code OK VALUE INDEX} once applied here, or {@code ERR VALUE REASON}</li>
 *   <li>{@code status G} → {@code STATUS G ROLE LEADER TERM COMMIT APPLIED}</li>
 *   <li>{@code values G} → {@code VALUES G v1,v2,...} (the payloads applied here, in order)</li>
 * </ul>
 * End of stdin (the test is gone) closes the runtime and exits, so no process outlives its test.
 */
public final class NodeProcessMain {

    private NodeProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        long id = Long.parseLong(args[0]);
        Path dir = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        TestStateMachine sm = new TestStateMachine();
        RuntimeConfig config = RuntimeConfig.builder().loopCount(1).build();
        RaftRuntime rt = new RaftRuntime(id, config, new RealDisk(dir), "data",
                inc -> GrpcTransport.start(id, inc, TransportConfig.defaults("127.0.0.1", port)), sm,
                SystemClock.INSTANCE);
        rt.start();
        Set<Long> voters = new java.util.TreeSet<>(Set.of(id));
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=");
            long peer = Long.parseLong(kv[0]);
            voters.add(peer);
            ((GrpcTransport) rt.transport()).addPeer(peer, "127.0.0.1", Integer.parseInt(kv[1]));
        }
        out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(answer(rt, sm, voters, line.trim().split(" ")));
            }
        } finally {
            rt.close();
        }
    }

    private static String answer(RaftRuntime rt, TestStateMachine sm, Set<Long> voters, String[] cmd) {
        long g = Long.parseLong(cmd[1]);
        try {
            switch (cmd[0]) {
                case "create":
                    rt.createGroup(g, voters).get(10, TimeUnit.SECONDS);
                    return "CREATED " + g;
                case "propose":
                    long index = rt.propose(g, cmd[2].getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
                    return "OK " + cmd[2] + " " + index;
                case "status":
                    GroupStatus s = rt.status(g).get(10, TimeUnit.SECONDS);
                    return "STATUS " + g + " " + s.role() + " " + s.leader() + " " + s.term() + " "
                            + s.commitIndex() + " " + s.appliedIndex();
                case "values":
                    return "VALUES " + g + " " + String.join(",", sm.values(g));
                default:
                    return "ERR unknown command " + cmd[0];
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            String reason = c instanceof NotLeaderException ? "NOT_LEADER" : c.getClass().getSimpleName();
            return "ERR " + (cmd.length > 2 ? cmd[2] : cmd[1]) + " " + reason;
        } catch (TimeoutException e) {
            return "ERR " + (cmd.length > 2 ? cmd[2] : cmd[1]) + " TIMEOUT";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ERR interrupted";
        }
    }
}
