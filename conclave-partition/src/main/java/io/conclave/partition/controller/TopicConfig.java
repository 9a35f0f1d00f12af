package io.conclave.partition.controller;

import java.util.Map;
import java.util.TreeMap;

/**
 * The topic configuration keys, their defaults and their checks. Unknown keys are refused so that a
 * typo never silently means "default".
 */
public final class TopicConfig {

    /** Delete whole segments older than this behind the snapshot point; -1 keeps forever. */
    public static final String RETENTION_MS = "retention.ms";
    /** Delete the oldest segments beyond this size per partition; -1 means no size limit. */
    public static final String RETENTION_BYTES = "retention.bytes";
    /** The largest record batch a producer may send, in bytes. */
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    private static final Map<String, String> DEFAULTS = Map.of(
            RETENTION_MS, String.valueOf(7L * 24 * 3600 * 1000),
            RETENTION_BYTES, "-1",
            MAX_MESSAGE_BYTES, String.valueOf(1 << 20));

    private TopicConfig() {
    }

    /** The full configuration (defaults filled in), or a message naming the bad key and why. */
    public static Map<String, String> resolve(Map<String, String> given, StringBuilder error) {
        TreeMap<String, String> out = new TreeMap<>(DEFAULTS);
        for (Map.Entry<String, String> e : given.entrySet()) {
            String key = e.getKey();
            if (!DEFAULTS.containsKey(key)) {
                error.append("unknown topic config '").append(key).append("'; known keys are ")
                        .append(new TreeMap<>(DEFAULTS).keySet());
                return null;
            }
            long v;
            try {
                v = Long.parseLong(e.getValue().trim());
            } catch (NumberFormatException nfe) {
                error.append("topic config '").append(key).append("' must be an integer, was '")
                        .append(e.getValue()).append("'");
                return null;
            }
            boolean ok = key.equals(MAX_MESSAGE_BYTES) ? v >= 1 && v <= (64L << 20) : v >= -1;
            if (!ok) {
                error.append("topic config '").append(key).append("' out of range: ").append(v)
                        .append(key.equals(MAX_MESSAGE_BYTES) ? " (1 .. 67108864)" : " (-1 or more)");
                return null;
            }
            out.put(key, Long.toString(v));
        }
        return out;
    }
}
