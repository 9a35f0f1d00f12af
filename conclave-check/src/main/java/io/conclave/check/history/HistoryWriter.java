package io.conclave.check.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes histories in the JSON-lines format, fields in the order of the format's table. */
public final class HistoryWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private HistoryWriter() {
    }

    /** Writes the history to a file, preceded by {@code comments} as {@code #} lines. */
    public static void write(History history, Path file, List<String> comments) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(history, out, comments);
        }
    }

    /** Writes the history to a writer, preceded by {@code comments} as {@code #} lines; does not close it. */
    public static void write(History history, Writer out, List<String> comments) throws IOException {
        for (String comment : comments) {
            for (String line : comment.split("\n", -1)) {
                out.write("# " + line + "\n");
            }
        }
        for (Operation op : history.operations()) {
            out.write(toLine(op));
            out.write('\n');
        }
        out.flush();
    }

    /** The history as JSON-lines text. */
    public static String toText(History history) {
        StringWriter out = new StringWriter();
        try {
            write(history, out, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** One operation as one JSON line, no trailing newline. */
    public static String toLine(Operation op) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("client", op.client());
            g.writeStringField("op", op.op().wireName());
            g.writeStringField("key", op.key());
            writeFields(g, op);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeFields(JsonGenerator g, Operation op) throws IOException {
        boolean getOk = op.op() == OpType.GET && op.isOk();
        if (op.value() != null || getOk) {
            g.writeFieldName("value");
            writeScalar(g, op.value());
        }
        if (op.op() == OpType.CAS) {
            g.writeFieldName("expected");
            writeScalar(g, op.expected());
        }
        if (op.swapped() != null) {
            g.writeBooleanField("swapped", op.swapped());
        }
        if (op.offset() != null) {
            g.writeNumberField("offset", op.offset());
        }
        if (op.from() != null) {
            g.writeNumberField("from", op.from());
        }
        if (op.to() != null) {
            g.writeNumberField("to", op.to());
        }
        if (op.prefix()) {
            g.writeBooleanField("prefix", true);
        }
        if (op.values() != null) {
            g.writeArrayFieldStart("values");
            for (Object v : op.values()) {
                writeScalar(g, v);
            }
            g.writeEndArray();
        }
        g.writeNumberField("call_ns", op.callNs());
        if (op.returnNs() != null) {
            g.writeNumberField("return_ns", op.returnNs());
        }
        if (op.level() != Level.LINEARIZABLE) {
            g.writeStringField("level", op.level().wireName());
        }
        g.writeStringField("outcome", op.outcome().wireName());
    }

    /** A scalar value as JSON text, for messages. */
    public static String scalarJson(Object v) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            writeScalar(g, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeScalar(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Long) {
            g.writeNumber((Long) v);
        } else if (v instanceof Double) {
            g.writeNumber((Double) v);
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else {
            throw new IllegalArgumentException("not a scalar: " + v.getClass().getSimpleName());
        }
    }
}
