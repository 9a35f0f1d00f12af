package io.conclave.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The combined result of several checkers: invalid if any is invalid, else unknown if any is unknown. */
public record Report(List<CheckResult> results) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Report {
        results = List.copyOf(results);
    }

    /** The combined verdict; valid for an empty report. */
    public Verdict verdict() {
        Verdict v = Verdict.VALID;
        for (CheckResult r : results) {
            v = v.and(r.verdict());
        }
        return v;
    }

    /** This report with one more result. */
    public Report with(CheckResult result) {
        List<CheckResult> more = new ArrayList<>(results);
        more.add(result);
        return new Report(more);
    }

    /** The result of the named checker, if it ran. */
    public Optional<CheckResult> result(String checker) {
        return results.stream().filter(r -> r.checker().equals(checker)).findFirst();
    }

    /** A human summary: one line per checker, then the explanation of each that did not pass. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("verdict: ").append(verdict().wireName()).append('\n');
        for (CheckResult r : results) {
            b.append("  ").append(r.checker()).append(": ").append(r.verdict().wireName()).append(' ')
                    .append(r.counts()).append('\n');
        }
        for (CheckResult r : results) {
            b.append('\n').append(r.checker()).append(": ").append(r.explanation().strip()).append('\n');
        }
        return b.toString();
    }

    /** The report as a JSON object: {@code {"verdict": ..., "results": [{checker, verdict, counts, explanation, details}]}}. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("verdict", verdict().wireName());
        ArrayNode arr = root.putArray("results");
        for (CheckResult r : results) {
            ObjectNode n = arr.addObject();
            n.put("checker", r.checker());
            n.put("verdict", r.verdict().wireName());
            n.set("counts", JSON.valueToTree(r.counts()));
            n.put("explanation", r.explanation());
            n.set("details", JSON.valueToTree(r.details()));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report details must be plain maps, lists and scalars", e);
        }
    }
}
