package io.conclave.ops.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses one key's text into its typed value, or says in one sentence why it cannot: the sentence
 * does not name the key (the caller adds it, with the value's origin).
 */
final class ConfigValues {

    static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{0,64}");

    private ConfigValues() {
    }

    /** Thrown with the reason a value is rejected. */
    static final class BadValue extends Exception {
        BadValue(String reason) {
            super(reason, null, false, false);
        }
    }

    static Object parse(ConfigKey key, String text) throws BadValue {
        switch (key.kind()) {
            case LONG:
                return inRange(key, parseLong(text, "an integer"));
            case INT:
                return (int) inRange(key, parseLong(text, "an integer"));
            case DOUBLE:
                return parseDouble(key, text);
            case BOOL:
                return parseBool(text);
            case STRING:
                if (text.isBlank()) {
                    throw new BadValue("must not be empty");
                }
                return text;
            case NAME:
                if (!NAME.matcher(text).matches()) {
                    throw new BadValue("'" + text + "' must be at most 64 letters, digits, '.', '_' or '-'");
                }
                return text;
            case SEEDS:
                return parseSeeds(text);
            case CONTROLLERS:
                return parseControllers(text);
            case LEVEL:
                String level = text.toUpperCase(Locale.ROOT);
                if (!LEVELS.contains(level)) {
                    throw new BadValue("'" + text + "' is not a log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF)");
                }
                return level;
            default:
                throw new IllegalStateException("unhandled kind " + key.kind());
        }
    }

    private static long parseLong(String text, String what) throws BadValue {
        try {
            return Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new BadValue("'" + text + "' is not " + what);
        }
    }

    private static long inRange(ConfigKey key, long v) throws BadValue {
        if (v < key.min() || v > key.max()) {
            throw new BadValue(v + " is out of range [" + key.min() + ", " + key.max() + "]");
        }
        return v;
    }

    private static double parseDouble(ConfigKey key, String text) throws BadValue {
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new BadValue("'" + text + "' is not a number");
        }
        if (!Double.isFinite(v) || v <= key.min() || v > key.max()) {
            throw new BadValue(text + " is out of range (" + key.min() + ", " + key.max() + "]");
        }
        return v;
    }

    private static boolean parseBool(String text) throws BadValue {
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new BadValue("'" + text + "' is not true or false");
    }

    private static List<String> items(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    static List<HostPort> parseSeeds(String text) throws BadValue {
        List<HostPort> out = new ArrayList<>();
        for (String item : items(text)) {
            int colon = item.lastIndexOf(':');
            if (colon <= 0 || colon == item.length() - 1) {
                throw new BadValue("'" + item + "' is not host:port");
            }
            out.add(new HostPort(item.substring(0, colon), port(item, item.substring(colon + 1))));
        }
        return List.copyOf(out);
    }

    static List<ControllerAddress> parseControllers(String text) throws BadValue {
        List<ControllerAddress> out = new ArrayList<>();
        for (String item : items(text)) {
            int at = item.indexOf('@');
            String[] addr = at > 0 ? item.substring(at + 1).split(":") : new String[0];
            if (addr.length != 3 || addr[0].isBlank()) {
                throw new BadValue("'" + item + "' is not id@host:raftPort:clientPort");
            }
            long id = parseLong(item.substring(0, at), "a node id");
            if (id <= 0) {
                throw new BadValue("'" + item + "': node id must be > 0");
            }
            if (out.stream().anyMatch(c -> c.nodeId() == id)) {
                throw new BadValue("node " + id + " is listed twice");
            }
            out.add(new ControllerAddress(id, addr[0], port(item, addr[1]), port(item, addr[2])));
        }
        return List.copyOf(out);
    }

    private static int port(String item, String text) throws BadValue {
        long p = parseLong(text, "a port");
        if (p < 1 || p > 65_535) {
            throw new BadValue("'" + item + "': port " + p + " is out of range [1, 65535]");
        }
        return (int) p;
    }
}
