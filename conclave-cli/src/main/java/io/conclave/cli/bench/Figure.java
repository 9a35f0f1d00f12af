package io.conclave.cli.bench;

import java.util.Map;
import java.util.Objects;

/**
 * One measured figure: which suite, what ({@code name}), how much, in what unit, under which
 * parameters (sizes, counts, shapes), and when its suite ran (ISO-8601).
 */
public record Figure(String suite, String name, double value, String unit, Map<String, Object> parameters,
                     String date) {

    public Figure {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        parameters = Map.copyOf(parameters);
        Objects.requireNonNull(date, "date");
    }
}
