package io.conclave.check.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.check.Ops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryRoundTripTest {
    private static final String EXAMPLE = String.join("\n",
            "# the format document's example",
            "{\"client\":3,\"op\":\"put\",\"key\":\"x\",\"value\":\"v7\",\"call_ns\":1000,\"return_ns\":2000,\"outcome\":\"ok\"}",
            "{\"client\":4,\"op\":\"cas\",\"key\":\"x\",\"expected\":\"v7\",\"value\":\"v8\",\"swapped\":true,\"call_ns\":2600,\"return_ns\":2700,\"outcome\":\"ok\"}",
            "{\"client\":2,\"op\":\"append\",\"key\":\"orders/3\",\"value\":\"m1\",\"call_ns\":100,\"return_ns\":900,\"outcome\":\"ok\",\"offset\":0}",
            "",
            "{\"client\":5,\"op\":\"append\",\"key\":\"orders/3\",\"value\":\"m2\",\"call_ns\":950,\"outcome\":\"unknown\"}",
            "{\"client\":6,\"op\":\"read\",\"key\":\"orders/3\",\"from\":0,\"to\":10,\"call_ns\":1000,\"return_ns\":1100,\"outcome\":\"ok\",\"values\":[\"m1\",\"m2\"]}");

    @Test
    void theFormatDocumentsExampleReadsAsFiveOperations() {
        History h = HistoryReader.parse(EXAMPLE);

        assertThat(h.size()).isEqualTo(5);
        assertThat(h.byKey().keySet()).containsExactly("orders/3", "x");
        Operation cas = h.operations().get(1);
        assertThat(cas.op()).isEqualTo(OpType.CAS);
        assertThat(cas.expected()).isEqualTo("v7");
        assertThat(cas.swapped()).isTrue();
        assertThat(cas.level()).isEqualTo(Level.LINEARIZABLE);
        Operation unknown = h.operations().get(3);
        assertThat(unknown.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(unknown.returnNs()).isNull();
        assertThat(unknown.returnNsOrInfinity()).isEqualTo(Long.MAX_VALUE);
        assertThat(h.operations().get(4).values()).containsExactly("m1", "m2");
    }

    @Test
    void writingAndReadingGivesTheSameHistory() {
        History h = HistoryReader.parse(EXAMPLE);

        History again = HistoryReader.parse(HistoryWriter.toText(h));

        assertThat(again).isEqualTo(h);
        assertThat(HistoryWriter.toText(again)).isEqualTo(HistoryWriter.toText(h));
    }

    @Test
    void everyFieldAndScalarTypeSurvivesARoundTrip() {
        History h = Ops.history(
                Operation.builder(1, OpType.GET, "k").value(null).at(-50, -40).ok(),
                Operation.builder(1, OpType.PUT, "k").value(7).level(Level.STRONG).at(-30, -20).ok(),
                Operation.builder(1, OpType.CAS, "k").expected(null).value(2.5).at(-10, 0).fail(),
                Operation.builder(2, OpType.CAS, "k").expected(7L).value(true).swapped(false).at(1, 2).ok(),
                Operation.builder(2, OpType.GET, "k").at(3, 4).unknown(),
                Operation.builder(3, OpType.APPEND, "p").value("a").level(Level.EVENTUAL).offset(0).at(1, 2).ok(),
                Operation.builder(3, OpType.READ, "p").from(0).to(5L).prefix(true)
                        .values(Arrays.asList("a", 1L, null, false)).at(3, 4).ok(),
                Operation.builder(3, OpType.READ, "p").from(2).at(5, 6).fail(),
                Operation.builder(4, OpType.APPEND, "p").value("b").at(1, 9).unknown());

        String text = HistoryWriter.toText(h);
        History again = HistoryReader.parse(text);

        assertThat(again.operations()).containsExactlyElementsOf(h.operations());
        assertThat(text).contains("\"value\":null").contains("\"level\":\"strong\"").contains("\"prefix\":true");
        assertThat(again.operations().get(1).value()).isEqualTo(7L);
    }

    @Test
    void aFileRoundTripKeepsCommentsOutOfTheOperations(@TempDir Path dir) throws IOException {
        History h = HistoryReader.parse(EXAMPLE);
        Path file = dir.resolve("h.jsonl");

        HistoryWriter.write(h, file, List.of("seed 42", "two lines"));

        assertThat(Files.readAllLines(file)).startsWith("# seed 42", "# two lines");
        assertThat(HistoryReader.read(file)).isEqualTo(h);
    }

    @Test
    void valuesMustBeFiniteScalars() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Operation.builder(1, OpType.PUT, "k").value(Double.NaN).at(0, 1).ok())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Operation.builder(1, OpType.PUT, "k").value(List.of(1)).at(0, 1).ok())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("string, number, boolean or null");
    }

    @Test
    void groupingByKeyKeepsEachKeysOrderAndSortsKeys() {
        History h = Ops.history(
                Ops.put(1, "b", "b1", 0, 1),
                Ops.put(2, "a", "a1", 0, 1),
                Ops.put(1, "b", "b2", 2, 3));

        assertThat(h.byKey().keySet()).containsExactly("a", "b");
        assertThat(h.ofKey("b")).extracting(Operation::value).containsExactly("b1", "b2");
        assertThat(h.ofKey("missing")).isEmpty();
        assertThat(h.filter(o -> o.key().equals("a")).size()).isEqualTo(1);
    }
}
