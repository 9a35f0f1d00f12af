/**
 * The checkers' front door: {@link io.conclave.check.Checkers} runs every applicable checker on a
 * history and returns a {@link io.conclave.check.Report} of uniform
 * {@link io.conclave.check.CheckResult}s; {@link io.conclave.check.CheckMain} is the command line.
 * Called from tests, the simulator and the CLI on their own threads; reads files only in
 * {@code CheckMain}, never touches the system under test.
 */
package io.conclave.check;
