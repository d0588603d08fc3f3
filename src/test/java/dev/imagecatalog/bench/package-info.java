/**
 * The benchmark of {@code scripts/bench.sh}: plain {@code main} programs (not tests, so {@code verify} never runs
 * them) that seed a real {@code docker-registry}, measure a bare-client floor and the service jar, and write
 * {@code bench/RESULTS.md}. Every loop is bounded in count and time, and every request goes to 127.0.0.1.
 */
package dev.imagecatalog.bench;
