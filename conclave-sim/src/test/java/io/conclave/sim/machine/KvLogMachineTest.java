package io.conclave.sim.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KvLogMachineTest {

    @Test
    void casSwapsOnlyWhenTheRegisterHoldsTheExpectedValue() {
        KvLogMachine m = new KvLogMachine();
        assertThat(m.apply(new Command(Command.Kind.CAS, 1, "k", "a", null)).swapped()).isTrue();
        assertThat(m.apply(new Command(Command.Kind.CAS, 2, "k", "b", "x")).swapped()).isFalse();
        assertThat(m.apply(new Command(Command.Kind.CAS, 3, "k", "b", "a")).swapped()).isTrue();
        assertThat(m.get("k")).isEqualTo("b");
    }

    @Test
    void appendsGetDenseOffsetsAndReadsReturnSlices() {
        KvLogMachine m = new KvLogMachine();
        for (int i = 0; i < 5; i++) {
            assertThat(m.apply(new Command(Command.Kind.APPEND, i, "p", "v" + i, null)).offset()).isEqualTo(i);
        }
        assertThat(m.read("p", 1, 3)).containsExactly("v1", "v2");
        assertThat(m.read("p", 3, -1)).containsExactly("v3", "v4");
        assertThat(m.read("p", 7, -1)).isEmpty();
    }

    @Test
    void aSnapshotRestoresTheSameState() {
        KvLogMachine m = new KvLogMachine();
        m.apply(new Command(Command.Kind.PUT, 1, "k", "v", null));
        m.apply(new Command(Command.Kind.APPEND, 2, "p", "x", null));
        KvLogMachine copy = new KvLogMachine();
        copy.restore(m.snapshot());
        assertThat(copy.snapshot()).isEqualTo(m.snapshot());
        assertThat(copy.get("k")).isEqualTo("v");
        copy.restore(new byte[0]);
        assertThat(copy.get("k")).isNull();
    }

    @Test
    void commandsRoundTripAndGarbageIsRefused() {
        Command c = new Command(Command.Kind.CAS, 77, "key", "new", "old");
        assertThat(Command.decode(c.encode())).isEqualTo(c);
        assertThatThrownBy(() -> Command.decode(new byte[] {9})).isInstanceOf(IllegalArgumentException.class);
    }
}
