package io.conclave.ops.config;

import java.util.List;

/**
 * A configuration the node refuses to start with. Carries every problem found, each naming the key,
 * where its value came from and what is wrong, so an operator fixes them all in one pass.
 */
public final class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(message(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in the order found. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        StringBuilder sb = new StringBuilder("invalid configuration (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
