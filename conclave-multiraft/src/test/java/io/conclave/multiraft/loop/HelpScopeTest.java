package io.conclave.multiraft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.multiraft.apply.Applier;
import io.conclave.multiraft.net.LoopbackNetwork;
import io.conclave.multiraft.node.RuntimeConfig;
import io.conclave.multiraft.support.TestCluster;
import io.conclave.multiraft.support.TestStateMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tasks queued inside a {@link HelpScope} wake (or are run for) their loop once, when the scope ends. */
class HelpScopeTest {

    private final List<String> events = new ArrayList<>();

    private EventLoop loop(int index, boolean helps) {
        RuntimeConfig config = TestCluster.fastConfig().loopCount(2).build();
        Applier applier = new Applier(new TestStateMachine(), 16, 1_000, 1 << 20, 64);
        EventLoop l = new EventLoop(index, config, new LoopbackNetwork().endpoint(1), applier, 0);
        l.setWaker(() -> events.add("wake " + index));
        l.setHelper(() -> {
            events.add("help " + index);
            return helps;
        });
        return l;
    }

    @Test
    void outsideAScopeATaskWakesItsLoopAtOnce() {
        EventLoop l = loop(0, true);
        l.offerTask(() -> { });
        assertThat(events).containsExactly("wake 0");
    }

    @Test
    void insideAScopeEachLoopIsRunOnceAfterTheBody() {
        EventLoop a = loop(0, true);
        EventLoop b = loop(1, true);
        HelpScope.run(() -> {
            a.offerTask(() -> { });
            a.offerTask(() -> { });
            b.offerTask(() -> { });
            events.add("body done");
        });
        assertThat(events).containsExactly("body done", "help 0", "help 1");
        assertThat(a.stats().helpedTurns()).isEqualTo(1);
    }

    @Test
    void aLoopThatCannotBeHelpedIsWokenAtTheScopesEndEvenWhenTheBodyThrows() {
        EventLoop a = loop(0, false);
        try {
            HelpScope.run(() -> {
                a.offerTask(() -> { });
                throw new IllegalStateException("the handler failed after proposing");
            });
        } catch (IllegalStateException expected) {
            events.add("thrown");
        }
        assertThat(events).containsExactly("help 0", "wake 0", "thrown");
        assertThat(a.stats().helpMisses()).isEqualTo(1);
    }

    @Test
    void nestedScopesJoinTheOuterOne() {
        EventLoop a = loop(0, true);
        HelpScope.run(() -> {
            HelpScope.run(() -> a.offerTask(() -> { }));
            events.add("inner done");
        });
        assertThat(events).containsExactly("inner done", "help 0");
    }
}
