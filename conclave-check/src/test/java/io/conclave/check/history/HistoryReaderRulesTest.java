package io.conclave.check.history;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the format, broken once, is rejected with the offending line's number. */
class HistoryReaderRulesTest {
    private static final String GOOD_PUT =
            "{\"client\":1,\"op\":\"put\",\"key\":\"x\",\"value\":\"v1\",\"call_ns\":10,\"return_ns\":20,\"outcome\":\"ok\"}";

    static Stream<Arguments> brokenLines() {
        return Stream.of(
                bad("unknown field", "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"value\":null,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\",\"node\":3}", "unknown field 'node'"),
                bad("missing client", "{\"op\":\"get\",\"key\":\"x\",\"value\":null,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "missing field 'client'"),
                bad("missing op", "{\"client\":2,\"key\":\"x\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "missing field 'op'"),
                bad("missing key", "{\"client\":2,\"op\":\"put\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "missing field 'key'"),
                bad("missing call_ns", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"return_ns\":2,\"outcome\":\"ok\"}", "missing field 'call_ns'"),
                bad("missing outcome", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2}", "missing field 'outcome'"),
                bad("missing return_ns on ok", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"outcome\":\"ok\"}", "missing field 'return_ns'"),
                bad("missing return_ns on fail", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"outcome\":\"fail\"}", "missing field 'return_ns'"),
                bad("missing value on put", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "missing field 'value'"),
                bad("missing value on ok get", "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "missing field 'value'"),
                bad("missing expected on cas", "{\"client\":2,\"op\":\"cas\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"fail\"}", "missing field 'expected'"),
                bad("missing swapped on ok cas", "{\"client\":2,\"op\":\"cas\",\"key\":\"x\",\"expected\":null,\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "needs swapped"),
                bad("missing offset on ok append", "{\"client\":2,\"op\":\"append\",\"key\":\"p\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "needs offset"),
                bad("missing from on read", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"values\":[],\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "missing field 'from'"),
                bad("missing values on ok read", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"from\":0,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "needs values"),
                bad("client is a string", "{\"client\":\"2\",\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'client' must be a 32-bit integer"),
                bad("client beyond int", "{\"client\":4000000000,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'client' must be a 32-bit integer"),
                bad("call_ns is fractional", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1.5,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'call_ns' must be a 64-bit integer"),
                bad("key is a number", "{\"client\":2,\"op\":\"put\",\"key\":5,\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'key' must be a string"),
                bad("value is an object", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":{\"a\":1},\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'value' must be a string, number, boolean or null"),
                bad("values is not an array", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"from\":0,\"values\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'values' must be an array"),
                bad("swapped is a string", "{\"client\":2,\"op\":\"cas\",\"key\":\"x\",\"expected\":null,\"value\":\"a\",\"swapped\":\"yes\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'swapped' must be a boolean"),
                bad("unknown op", "{\"client\":2,\"op\":\"delete\",\"key\":\"x\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'op' has an unknown value"),
                bad("unknown outcome", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"timeout\"}", "field 'outcome' has an unknown value"),
                bad("unknown level", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\",\"level\":\"weak\"}", "field 'level' has an unknown value"),
                bad("null put value", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":null,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "put needs a non-null value"),
                bad("offset on a failed append", "{\"client\":2,\"op\":\"append\",\"key\":\"p\",\"value\":\"a\",\"offset\":3,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"fail\"}", "offset does not belong on append with outcome fail"),
                bad("offset on an unknown append", "{\"client\":2,\"op\":\"append\",\"key\":\"p\",\"value\":\"a\",\"offset\":3,\"call_ns\":1,\"outcome\":\"unknown\"}", "offset does not belong on append with outcome unknown"),
                bad("offset on a put", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"offset\":3,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "offset does not belong on put"),
                bad("negative offset", "{\"client\":2,\"op\":\"append\",\"key\":\"p\",\"value\":\"a\",\"offset\":-1,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "offset -1 is negative"),
                bad("swapped on a put", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"swapped\":true,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "swapped does not belong on put"),
                bad("swapped on a failed cas", "{\"client\":2,\"op\":\"cas\",\"key\":\"x\",\"expected\":null,\"value\":\"a\",\"swapped\":false,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"fail\"}", "swapped does not belong on cas with outcome fail"),
                bad("expected on a put", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"expected\":\"b\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "expected belongs on cas only"),
                bad("null value on an unknown get", "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"value\":null,\"call_ns\":1,\"outcome\":\"unknown\"}", "value does not belong on get with outcome unknown"),
                bad("null value on a read", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"from\":0,\"value\":null,\"values\":[],\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "value does not belong on read"),
                bad("null expected on a put", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"expected\":null,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "expected belongs on cas only"),
                bad("null to on a read", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"from\":0,\"to\":null,\"values\":[],\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "field 'to' must be a 64-bit integer"),
                bad("value on a failed get", "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"fail\"}", "value does not belong on get with outcome fail"),
                bad("value on a read", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"from\":0,\"value\":\"a\",\"values\":[],\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "value does not belong on read with outcome ok"),
                bad("values on a failed read", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"from\":0,\"values\":[],\"call_ns\":1,\"return_ns\":2,\"outcome\":\"fail\"}", "values does not belong on read with outcome fail"),
                bad("values on a get", "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"value\":null,\"values\":[],\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "values does not belong on get"),
                bad("from on an append", "{\"client\":2,\"op\":\"append\",\"key\":\"p\",\"value\":\"a\",\"offset\":0,\"from\":0,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "from does not belong on append"),
                bad("to on an append", "{\"client\":2,\"op\":\"append\",\"key\":\"p\",\"value\":\"a\",\"offset\":0,\"to\":4,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "to belongs on read only"),
                bad("prefix on a get", "{\"client\":2,\"op\":\"get\",\"key\":\"x\",\"value\":null,\"prefix\":false,\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "prefix belongs on read only"),
                bad("to before from", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"from\":5,\"to\":4,\"values\":[],\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "to 4 is before from 5"),
                bad("more values than the range", "{\"client\":2,\"op\":\"read\",\"key\":\"p\",\"from\":0,\"to\":1,\"values\":[\"a\",\"b\"],\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "returned 2 values"),
                bad("return before call", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":5,\"return_ns\":4,\"outcome\":\"ok\"}", "return_ns 4 is before call_ns 5"),
                bad("duplicate field", "{\"client\":2,\"client\":3,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"}", "not valid JSON"),
                bad("trailing garbage", "{\"client\":2,\"op\":\"put\",\"key\":\"x\",\"value\":\"a\",\"call_ns\":1,\"return_ns\":2,\"outcome\":\"ok\"} x", "not valid JSON"),
                bad("not an object", "[1,2,3]", "expected one JSON object per line"),
                bad("broken JSON", "{\"client\":2,", "not valid JSON"));
    }

    private static Arguments bad(String rule, String line, String message) {
        return Arguments.of(rule, line, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenLines")
    void aBrokenLineIsRejectedWithItsLineNumber(String rule, String line, String message) {
        String text = "# header\n" + GOOD_PUT + "\n\n" + line + "\n";

        assertThatThrownBy(() -> HistoryReader.parse(text))
                .isInstanceOf(HistoryException.class)
                .hasMessageStartingWith("line 4: ")
                .hasMessageContaining(message)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((HistoryException) e).lineNumber()).isEqualTo(4));
    }

    static Stream<Arguments> brokenHistories() {
        return Stream.of(
                bad("overlapping ok operations of one client",
                        "{\"client\":1,\"op\":\"get\",\"key\":\"x\",\"value\":\"v1\",\"call_ns\":15,\"return_ns\":30,\"outcome\":\"ok\"}",
                        "client 1 has two operations in flight"),
                bad("a fail operation overlapping an ok one",
                        "{\"client\":1,\"op\":\"put\",\"key\":\"y\",\"value\":\"q\",\"call_ns\":5,\"return_ns\":12,\"outcome\":\"fail\"}",
                        "client 1 has two operations in flight"),
                bad("an operation after the client's unknown one",
                        "{\"client\":7,\"op\":\"get\",\"key\":\"x\",\"value\":null,\"call_ns\":100,\"return_ns\":110,\"outcome\":\"ok\"}",
                        "after its unknown operation"),
                bad("a key used as a register and a log",
                        "{\"client\":8,\"op\":\"append\",\"key\":\"x\",\"value\":\"m\",\"call_ns\":100,\"return_ns\":110,\"outcome\":\"ok\",\"offset\":0}",
                        "key 'x' is used as a log but line 2 uses it as a register"),
                bad("a value written twice to one key",
                        "{\"client\":8,\"op\":\"put\",\"key\":\"x\",\"value\":\"v1\",\"call_ns\":100,\"return_ns\":110,\"outcome\":\"ok\"}",
                        "value \"v1\" is written to key 'x' twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenHistories")
    void aRuleSpanningLinesIsRejectedAtTheLaterLine(String rule, String line, String message) {
        String text = "# header\n" + GOOD_PUT + "\n"
                + "{\"client\":7,\"op\":\"put\",\"key\":\"x\",\"value\":\"u\",\"call_ns\":50,\"outcome\":\"unknown\"}\n"
                + line + "\n";

        assertThatThrownBy(() -> HistoryReader.parse(text))
                .isInstanceOf(HistoryException.class)
                .hasMessageStartingWith("line 4: ")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenHistories")
    void theSameRulesHoldForHistoriesBuiltInMemory(String rule, String line, String message) {
        java.util.List<Operation> ops = java.util.List.of(
                HistoryReader.parseLine(GOOD_PUT, 1),
                HistoryReader.parseLine("{\"client\":7,\"op\":\"put\",\"key\":\"x\",\"value\":\"u\",\"call_ns\":50,\"outcome\":\"unknown\"}", 2),
                HistoryReader.parseLine(line, 3));

        assertThatThrownBy(() -> History.of(ops))
                .isInstanceOf(HistoryException.class)
                .hasMessageStartingWith("line 3: ")
                .hasMessageContaining(message.replace("line 2", "line 1"));
    }
}
