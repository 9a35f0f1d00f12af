/**
 * A node's configuration: the key table ({@link io.conclave.ops.config.ConfigKey}), loading from a
 * properties file, {@code CONCLAVE_*} environment variables and command-line flags (flags win over
 * the environment, which wins over the file, which wins over defaults), validation that names the
 * key at fault, and builders of the runtime's, transport's and storage's config records. Called
 * once, on the thread that starts the node; never touches the network or the data directory.
 */
package io.conclave.ops.config;
