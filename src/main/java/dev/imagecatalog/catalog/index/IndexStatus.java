package dev.imagecatalog.catalog.index;

import java.time.Instant;

/**
 * The index's progress and freshness ({@code GET /api/status}).
 *
 * @param indexed       repositories indexed so far
 * @param repositories  repositories the registry's catalog lists (0 until the catalog was read)
 * @param tags          tags indexed (cosign sidecar tags left out, as on the pages)
 * @param manifests     distinct manifests kept (tag targets and index children)
 * @param crawling      whether the first crawl is still running
 * @param ready         whether every repository of the catalog is indexed (first crawl done)
 * @param lastEvent     when the last registry notification was applied, {@code null} if none
 * @param lastReconcile when the last periodic reconcile finished, {@code null} if none
 * @param lastError     the last crawl or reconcile failure, {@code null} if none
 * @param crawlStarted  when the first crawl (or its latest retry) started, {@code null} before that
 * @param crawlFinished when the first crawl finished indexing every repository, {@code null} until then
 * @param reclaimableBytes bytes the registry's garbage collection would remove now ({@link Reclaimable})
 * @param source        where the index came from: {@code crawl}, {@code peer} (another replica's copy) or
 *                      {@code snapshot} (the file of {@code index.snapshot.path})
 * @param caughtUp      when the index first matched the registry: the crawl's end, or the end of the catch-up after
 *                      a peer's copy or a snapshot; {@code null} until then
 */
public record IndexStatus(int indexed, int repositories, long tags, long manifests, boolean crawling, boolean ready,
                          Instant lastEvent, Instant lastReconcile, String lastError, Instant crawlStarted,
                          Instant crawlFinished, long reclaimableBytes, String source, Instant caughtUp) {
}
