/**
 * {@code conclave bench}: the benchmark suites ({@link io.conclave.cli.bench.Suite}), their sizes
 * ({@link io.conclave.cli.bench.BenchSizes}), the figures they return and the tables and JSON document
 * made of them. The data suite drives node processes through the client library; the engine suites
 * call conclave-bench's programs in this JVM (docs/bench-cli.md). Runs on the command's thread; touches
 * only temporary directories (and {@code --dir}, {@code --out}).
 */
package io.conclave.cli.bench;
