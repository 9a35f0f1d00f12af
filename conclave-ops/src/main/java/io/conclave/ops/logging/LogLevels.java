package io.conclave.ops.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sets log levels at run time on Logback, the SLF4J binding this module ships with. */
public final class LogLevels {

    private LogLevels() {
    }

    /**
     * Sets the root logger's level ({@code TRACE} ... {@code OFF}, any case). Returns false, changing
     * nothing, when SLF4J is bound to something other than Logback.
     *
     * @throws IllegalArgumentException for a name that is not a level
     */
    public static boolean setRoot(String level) {
        return set(Logger.ROOT_LOGGER_NAME, level);
    }

    /** Sets the level of the logger {@code name} (a package or class); see {@link #setRoot}. */
    public static boolean set(String name, String level) {
        Level parsed = Level.toLevel(level, null);
        if (parsed == null) {
            throw new IllegalArgumentException("not a log level: '" + level + "' (TRACE, DEBUG, INFO, WARN, ERROR, OFF)");
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext)) {
            return false;
        }
        ((LoggerContext) factory).getLogger(name).setLevel(parsed);
        return true;
    }
}
