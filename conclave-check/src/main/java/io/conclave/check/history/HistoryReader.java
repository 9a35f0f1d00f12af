package io.conclave.check.history;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the JSON-lines format strictly: {@code #} comment lines and blank lines are skipped; every
 * other line must be one JSON object with known fields of the right types, in the places the format
 * allows them. Any violation is a {@link HistoryException} naming the line. Stateless and thread-safe.
 */
public final class HistoryReader {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> FIELDS = Set.of("client", "op", "key", "value", "expected", "swapped",
            "offset", "from", "to", "prefix", "values", "call_ns", "return_ns", "level", "outcome");

    private HistoryReader() {
    }

    /** Reads and validates a history file. */
    public static History read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        }
    }

    /** Reads and validates a history from JSON-lines text. */
    public static History parse(String text) {
        try {
            return read(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /** Reads and validates a history from a reader; does not close it. */
    public static History read(Reader reader) throws IOException {
        BufferedReader in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
        List<Operation> ops = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        int lineNumber = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            ops.add(parseLine(trimmed, lineNumber));
            lines.add(lineNumber);
        }
        return History.of(ops, lines.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Parses one line of the format (no cross-line rules). */
    public static Operation parseLine(String line, int lineNumber) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new HistoryException(lineNumber, "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new HistoryException(lineNumber, "expected one JSON object per line");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new HistoryException(lineNumber, "unknown field '" + field + "'");
            }
        }
        try {
            return toOperation(new Fields(node, lineNumber));
        } catch (IllegalArgumentException e) {
            throw new HistoryException(lineNumber, e.getMessage());
        }
    }

    private static Operation toOperation(Fields f) {
        int client = f.intField("client", true);
        OpType op = f.enumField("op", OpType.fromWire(f.text("op", true)));
        String key = f.text("key", true);
        long callNs = f.longField("call_ns", true);
        Outcome outcome = f.enumField("outcome", Outcome.fromWire(f.text("outcome", true)));
        String levelText = f.text("level", false);
        Level level = levelText == null ? Level.LINEARIZABLE : f.enumField("level", Level.fromWire(levelText));
        requireOpFields(f, op, outcome);
        Long to = f.has("to") ? f.longField("to", true) : null;
        Long from = f.has("from") ? f.longField("from", true) : null;
        Long offset = f.has("offset") ? f.longField("offset", true) : null;
        Long returnNs = f.has("return_ns") ? f.longField("return_ns", true) : null;
        Boolean swapped = f.bool("swapped");
        Boolean prefix = f.bool("prefix");
        return new Operation(client, op, key, f.scalar("value"), f.scalar("expected"), swapped, offset, from, to,
                prefix != null && prefix, f.scalarArray("values"), callNs, returnNs, level, outcome);
    }

    /** Presence rules that the record cannot see (a field present with value null versus absent). */
    private static void requireOpFields(Fields f, OpType op, Outcome outcome) {
        boolean ok = outcome == Outcome.OK;
        boolean valueBelongs = op != OpType.READ && op != OpType.GET || op == OpType.GET && ok;
        if (valueBelongs) {
            f.require("value");
        } else if (f.has("value")) {
            throw new IllegalArgumentException("value does not belong on " + op.wireName() + " with outcome "
                    + outcome.wireName());
        }
        if (op == OpType.CAS) {
            f.require("expected");
        } else if (f.has("expected")) {
            throw new IllegalArgumentException("expected belongs on cas only");
        }
        if (outcome != Outcome.UNKNOWN) {
            f.require("return_ns");
        }
        if (op == OpType.READ) {
            f.require("from");
        }
        if (f.has("prefix") && op != OpType.READ) {
            throw new IllegalArgumentException("prefix belongs on read only");
        }
    }

    /** Typed access to one line's fields, with errors that name the field. */
    private static final class Fields {
        private final JsonNode node;
        private final int lineNumber;

        Fields(JsonNode node, int lineNumber) {
            this.node = node;
            this.lineNumber = lineNumber;
        }

        boolean has(String name) {
            return node.has(name);
        }

        void require(String name) {
            if (!node.has(name)) {
                throw new HistoryException(lineNumber, "missing field '" + name + "'");
            }
        }

        String text(String name, boolean required) {
            JsonNode n = get(name, required);
            if (n == null) {
                return null;
            }
            if (!n.isTextual()) {
                throw typeError(name, "a string", n);
            }
            return n.textValue();
        }

        <E> E enumField(String name, E parsed) {
            if (parsed == null) {
                throw new HistoryException(lineNumber, "field '" + name + "' has an unknown value " + node.get(name));
            }
            return parsed;
        }

        int intField(String name, boolean required) {
            JsonNode n = get(name, required);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw typeError(name, "a 32-bit integer", n);
            }
            return n.intValue();
        }

        long longField(String name, boolean required) {
            JsonNode n = get(name, required);
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw typeError(name, "a 64-bit integer", n);
            }
            return n.longValue();
        }

        Boolean bool(String name) {
            JsonNode n = node.get(name);
            if (n == null) {
                return null;
            }
            if (!n.isBoolean()) {
                throw typeError(name, "a boolean", n);
            }
            return n.booleanValue();
        }

        Object scalar(String name) {
            JsonNode n = node.get(name);
            return n == null ? null : toScalar(name, n);
        }

        List<Object> scalarArray(String name) {
            JsonNode n = node.get(name);
            if (n == null) {
                return null;
            }
            if (!n.isArray()) {
                throw typeError(name, "an array", n);
            }
            List<Object> out = new ArrayList<>(n.size());
            for (JsonNode e : n) {
                out.add(toScalar(name, e));
            }
            return out;
        }

        private Object toScalar(String name, JsonNode n) {
            if (n.isNull()) {
                return null;
            }
            if (n.isTextual()) {
                return n.textValue();
            }
            if (n.isBoolean()) {
                return n.booleanValue();
            }
            if (n.isIntegralNumber()) {
                if (!n.canConvertToLong()) {
                    throw typeError(name, "a scalar within 64-bit integers", n);
                }
                return n.longValue();
            }
            if (n.isFloatingPointNumber()) {
                return n.doubleValue();
            }
            throw typeError(name, "a string, number, boolean or null", n);
        }

        private JsonNode get(String name, boolean required) {
            JsonNode n = node.get(name);
            if (n == null && required) {
                throw new HistoryException(lineNumber, "missing field '" + name + "'");
            }
            return n;
        }

        private HistoryException typeError(String name, String expected, JsonNode actual) {
            return new HistoryException(lineNumber, "field '" + name + "' must be " + expected + ", not "
                    + actual.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + actual);
        }
    }
}
