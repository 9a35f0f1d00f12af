/**
 * Buggify points: named places in the storage engine and the runtime built on it that, in a
 * deterministic simulation, sometimes take a rare path (a short WAL write, a deferred batch, a
 * dropped or duplicated message) so that error paths run under the checkers. {@link
 * io.conclave.storage.buggify.Buggify#fire} is the only call production code makes: it answers
 * {@code false} unless a simulator installed a {@link io.conclave.storage.buggify.Buggify.Source} on
 * the calling thread, and no production code ever installs one.
 *
 * <p>Called from any thread; a source is per thread (the simulator runs everything on one), so
 * parallel tests and production threads never see another's source. Never touches the disk, the
 * clock or a random source of its own: whether a point fires is the installed source's (seeded) choice.
 */
package io.conclave.storage.buggify;
