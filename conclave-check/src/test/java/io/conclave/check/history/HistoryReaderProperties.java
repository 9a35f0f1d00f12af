package io.conclave.check.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.conclave.check.SimulatedHistories;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.provider.Arguments;

/** A broken line anywhere in a valid history is reported at exactly its line. */
class HistoryReaderProperties {
    private static final List<Arguments> BROKEN = HistoryReaderRulesTest.brokenLines().toList();

    @Property(tries = 150)
    void aBrokenLineIsReportedAtItsLineWherever(@ForAll long seed, @ForAll @IntRange(min = 0, max = 1000) int where) {
        Random rnd = new Random(seed);
        History h = new SimulatedHistories(rnd, 0.05, 0.05).logs(1, 3, 20);
        List<String> lines = new ArrayList<>(Arrays.asList(HistoryWriter.toText(h).split("\n")));
        int at = where % (lines.size() + 1);
        String broken = (String) BROKEN.get(rnd.nextInt(BROKEN.size())).get()[1];
        lines.add(at, broken);

        HistoryException e = catchThrowableOfType(HistoryException.class,
                () -> HistoryReader.parse(String.join("\n", lines)));

        assertThat(e).isNotNull();
        assertThat(e.lineNumber()).isEqualTo(at + 1);
    }
}
