package io.conclave.ops.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The key table as Markdown rows ({@code docs/configuration.md} holds them) and a check that a
 * document lists every key with its current default and doc line.
 */
public final class ConfigDoc {

    private ConfigDoc() {
    }

    /** The row documenting {@code key}: key, environment variable, default, doc line. */
    public static String row(ConfigKey key) {
        String def = key.defaultValue().map(d -> d.isEmpty() ? "(not set)" : "`" + d + "`").orElse("(required)");
        return "| `" + key.key() + "` | `" + key.envName() + "` | " + def + " | " + key.doc() + " |";
    }

    /** The whole table, header included. */
    public static String table() {
        StringBuilder sb = new StringBuilder("| key | environment variable | default | meaning |\n|---|---|---|---|\n");
        for (ConfigKey k : ConfigKey.values()) {
            sb.append(row(k)).append('\n');
        }
        return sb.toString();
    }

    /** The keys whose row (exactly as {@link #row} renders it) does not appear in {@code document}. */
    public static List<ConfigKey> missingFrom(String document) {
        List<ConfigKey> missing = new ArrayList<>();
        for (ConfigKey k : ConfigKey.values()) {
            if (!document.lines().anyMatch(line -> line.strip().equals(row(k)))) {
                missing.add(k);
            }
        }
        return missing;
    }
}
