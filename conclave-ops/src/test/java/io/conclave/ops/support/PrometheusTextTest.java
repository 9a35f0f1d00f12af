package io.conclave.ops.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String GOOD = "# HELP a_total things\n# TYPE a_total counter\n"
            + "a_total{node=\"1\",peer=\"2\"} 5.0\na_total{node=\"1\",peer=\"3\"} 7\n"
            + "# TYPE b gauge\nb{x=\"q\\\"uo\\\\te\\n\"} -1.5e3\nb 1 1700000000000\n"
            + "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum NaN\n";

    @Test
    void aWellFormedExpositionParsesWithLabelsAndValues() {
        PrometheusText p = PrometheusText.parse(GOOD);
        assertThat(p.type("a_total")).isEqualTo("counter");
        assertThat(p.value("a_total", Map.of("peer", "3"))).isEqualTo(7);
        assertThat(p.sum("a_total")).isEqualTo(12);
        assertThat(p.value("b", Map.of("x", "q\"uo\\te\n"))).isEqualTo(-1500);
        assertThat(p.named("h_bucket").get(0).labels()).containsEntry("le", "+Inf");
        assertThat(p.value("h_sum", Map.of())).isNaN();
    }

    @Test
    void plantedFormatErrorsAreEachRejectedWithTheirLine() {
        assertRejected(GOOD.replace("a_total{node=\"1\",peer=\"2\"} 5.0", "a_total{node=\"1\",peer=\"2\"} five"), "line 3", "bad value");
        assertRejected(GOOD.replace("peer=\"2\"}", "peer=\"2\""), "line 3");
        assertRejected(GOOD.replace("peer=\"2\"", "peer=2"), "expected =\"");
        assertRejected(GOOD.replace("node=\"1\",peer=\"3\"", "node=\"1\",node=\"3\""), "given twice");
        assertRejected(GOOD.replace("\\\"uo", "\\quo"), "bad escape");
        assertRejected(GOOD + "undeclared 1\n", "no declared family");
        assertRejected(GOOD + "# TYPE b gauge\n", "TYPE given twice");
        assertRejected(GOOD + "b 2\n", "duplicate sample");
        assertRejected(GOOD + "# TYPE c bogus\n", "malformed TYPE");
        assertRejected(GOOD + "9bad 1\n", "bad metric name");
        assertRejected(GOOD.substring(0, GOOD.length() - 1), "end with a newline");
        assertRejected("c 1\n# TYPE c gauge\n", "no declared family");
    }

    private static void assertRejected(String text, String... fragments) {
        assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .message().contains(fragments);
    }
}
