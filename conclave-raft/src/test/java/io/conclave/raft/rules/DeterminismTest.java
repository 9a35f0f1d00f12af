package io.conclave.raft.rules;

import static io.conclave.raft.rules.Net.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.raft.HardState;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.ReadMode;
import io.conclave.raft.Ready;
import io.conclave.raft.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Determinism: the core is a function of its seed and its inputs. Two runs with the same seed and the
 * same calls (ticks, proposals, reads, message loss, partitions) produce identical sequences of
 * Ready outputs, messages and hard states included; another seed produces another run.
 */
class DeterminismTest {

    private static final long[] THREE = {1, 2, 3};

    /** Every Ready of a 200-tick run with loss and an isolated leader now and then, as (node, ready). */
    private static List<Map.Entry<Long, Ready>> run(long seed) {
        Net net = new Net(id -> RaftConfig.builder(id).leaseReads(true).build(), seed, Set.of());
        net.voters(THREE);
        SplittableRandom chaos = new SplittableRandom(seed);
        net.dropIf(m -> chaos.nextInt(100) < 5);
        for (int tick = 0; tick < 200; tick++) {
            long l = net.leader();
            if (tick % 50 == 30 && l != 0) {
                net.isolate(l);
            } else if (tick % 50 == 0) {
                net.heal();
                net.dropIf(m -> chaos.nextInt(100) < 5);
            }
            if (l != 0 && tick % 3 == 0) {
                net.node(l).propose(bytes("t" + tick));
                net.node(l).readIndex(bytes("r" + tick), tick % 2 == 0 ? ReadMode.LEASE : ReadMode.READ_INDEX);
            }
            net.run(1);
        }
        return net.readies;
    }

    @Test
    void sameSeedAndSameCallsGiveIdenticalReadyOutputs() {
        List<Map.Entry<Long, Ready>> a = run(11);
        List<Map.Entry<Long, Ready>> b = run(11);
        assertThat(a).hasSizeGreaterThan(300);
        assertThat(b).hasSameSizeAs(a);
        List<List<Message>> messagesA = new ArrayList<>();
        List<List<Message>> messagesB = new ArrayList<>();
        List<HardState> hardA = new ArrayList<>();
        List<HardState> hardB = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).getKey()).isEqualTo(a.get(i).getKey());
            messagesA.add(a.get(i).getValue().messages());
            messagesB.add(b.get(i).getValue().messages());
            hardA.add(a.get(i).getValue().hardState());
            hardB.add(b.get(i).getValue().hardState());
            assertThat(b.get(i).getValue().toString()).isEqualTo(a.get(i).getValue().toString());
        }
        assertThat(messagesB).isEqualTo(messagesA);
        assertThat(hardB).isEqualTo(hardA);
        assertThat(hardA.stream().filter(h -> h != null).map(HardState::term).distinct().count()).isGreaterThan(1);
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        List<String> a = run(11).stream().map(e -> e.getKey() + " " + e.getValue()).toList();
        List<String> b = run(12).stream().map(e -> e.getKey() + " " + e.getValue()).toList();
        assertThat(b).isNotEqualTo(a);
    }
}
