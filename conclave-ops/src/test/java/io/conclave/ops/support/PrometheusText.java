package io.conclave.ops.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4): {@code # HELP} and
 * {@code # TYPE} lines, then samples {@code name{label="value",...} value [timestamp]}. Rejects, with
 * the line number: malformed lines, bad names, bad label syntax or escapes, duplicate labels,
 * unparsable values, a TYPE given twice, a sample of no family declared before it
 * (allowing the family's _total/_count/_sum/_bucket/_created/_info suffixes), and a sample
 * (name + labels) given twice.
 */
public final class PrometheusText {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped", "info",
            "stateset", "gaugehistogram", "unknown");
    private static final List<String> SUFFIXES = List.of("", "_total", "_count", "_sum", "_bucket", "_created", "_info");

    private final Map<String, String> types = new TreeMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private PrometheusText() {
    }

    /** Parses {@code text}; throws IllegalArgumentException naming the first bad line. */
    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a newline");
        }
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("#")) {
                    p.comment(line);
                } else {
                    Sample s = sample(line);
                    p.familyOf(s.name()).orElseThrow(() -> new IllegalArgumentException("sample of no declared family: " + s.name()));
                    if (!seen.add(s.name() + new TreeMap<>(s.labels()))) {
                        throw new IllegalArgumentException("duplicate sample " + s.name() + s.labels());
                    }
                    p.samples.add(s);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return p;
    }

    private void comment(String line) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 2 && parts[1].equals("TYPE")) {
            if (parts.length != 4 || !NAME.matcher(parts[2]).matches() || !TYPES.contains(parts[3])) {
                throw new IllegalArgumentException("malformed TYPE line");
            }
            if (types.containsKey(parts[2])) {
                throw new IllegalArgumentException("TYPE given twice for " + parts[2]);
            }
            types.put(parts[2], parts[3]);
        } else if (parts.length >= 2 && parts[1].equals("HELP")) {
            if (parts.length < 3 || !NAME.matcher(parts[2]).matches()) {
                throw new IllegalArgumentException("malformed HELP line");
            }
        }
    }

    private Optional<String> familyOf(String sampleName) {
        for (String suffix : SUFFIXES) {
            if (sampleName.endsWith(suffix)) {
                String family = sampleName.substring(0, sampleName.length() - suffix.length());
                if (types.containsKey(family)) {
                    return Optional.of(family);
                }
            }
        }
        return Optional.empty();
    }

    private static Sample sample(String line) {
        Matcher m = NAME.matcher(line);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("bad metric name");
        }
        String name = m.group();
        int pos = m.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (pos < line.length() && line.charAt(pos) == '{') {
            pos = labels(line, pos + 1, labels);
        }
        if (pos >= line.length() || line.charAt(pos) != ' ') {
            throw new IllegalArgumentException("expected a space before the value");
        }
        String[] rest = line.substring(pos + 1).split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("expected a value and an optional timestamp");
        }
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, Collections.unmodifiableMap(labels), value(rest[0]));
    }

    /** Parses {@code a="x",b="y"}} from {@code pos}; returns the index after the closing brace. */
    private static int labels(String line, int pos, Map<String, String> out) {
        while (true) {
            if (pos < line.length() && line.charAt(pos) == '}') {
                return pos + 1;
            }
            Matcher m = LABEL_NAME.matcher(line).region(pos, line.length());
            if (!m.lookingAt()) {
                throw new IllegalArgumentException("bad label name at " + pos);
            }
            String name = m.group();
            pos = m.end();
            if (!line.startsWith("=\"", pos)) {
                throw new IllegalArgumentException("expected =\" after label " + name);
            }
            pos += 2;
            StringBuilder v = new StringBuilder();
            while (true) {
                if (pos >= line.length()) {
                    throw new IllegalArgumentException("unterminated value of label " + name);
                }
                char c = line.charAt(pos++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char e = pos < line.length() ? line.charAt(pos++) : 0;
                    if (e == 'n') {
                        v.append('\n');
                    } else if (e == '\\' || e == '"') {
                        v.append(e);
                    } else {
                        throw new IllegalArgumentException("bad escape in label " + name);
                    }
                } else {
                    v.append(c);
                }
            }
            if (out.put(name, v.toString()) != null) {
                throw new IllegalArgumentException("label " + name + " given twice");
            }
            if (pos < line.length() && line.charAt(pos) == ',') {
                pos++;
            } else if (pos >= line.length() || line.charAt(pos) != '}') {
                throw new IllegalArgumentException("expected , or } after label " + name);
            }
        }
    }

    private static double value(String s) {
        switch (s) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                if (!s.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException("bad value '" + s + "'");
                }
                return Double.parseDouble(s);
        }
    }

    /** The declared families, sorted. */
    public Set<String> families() {
        return types.keySet();
    }

    /** The declared type of a family, or null. */
    public String type(String family) {
        return types.get(family);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The samples named {@code name} (exactly). */
    public List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The value of the one sample named {@code name} whose labels include {@code labels}; fails unless exactly one. */
    public double value(String name, Map<String, String> labels) {
        List<Sample> hits = named(name).stream()
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
        if (hits.size() != 1) {
            throw new AssertionError(hits.size() + " samples " + name + labels + " (want 1); of that name: " + named(name));
        }
        return hits.get(0).value();
    }

    /** The sum of every sample named {@code name}. */
    public double sum(String name) {
        return named(name).stream().mapToDouble(Sample::value).sum();
    }
}
