package io.conclave.ops.config;

/** Where a configuration value came from; later constants win over earlier ones. */
public enum Origin {
    /** The key's default in {@link ConfigKey}. */
    DEFAULT,
    /** The properties file. */
    FILE,
    /** A {@code CONCLAVE_*} environment variable. */
    ENV,
    /** A command-line flag. */
    FLAG
}
