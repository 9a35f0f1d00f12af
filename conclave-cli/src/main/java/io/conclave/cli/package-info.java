/**
 * The command-line door: {@code bin/conclave} and its subcommands. Runs on the caller's thread;
 * prints to the given streams; owns no state.
 */
package io.conclave.cli;
