package dev.imagecatalog.web.catalog;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.catalog.Overview;
import dev.imagecatalog.catalog.RepositoryInfo;
import dev.imagecatalog.catalog.RepositorySort;
import dev.imagecatalog.catalog.RepositoryView;
import dev.imagecatalog.catalog.SearchResult;
import dev.imagecatalog.catalog.TagView;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;
import dev.imagecatalog.runner.LaunchException;

import dev.imagecatalog.web.http.Formats;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.Templates;
import dev.imagecatalog.web.http.WebException;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The catalog's HTML pages.
 * <ul>
 *     <li>{@code curl 'localhost:8080/?q=team&sort=size&page=2'} — repositories with counts and sizes, filtered,
 *     sorted and paged, and the registry's totals</li>
 *     <li>{@code curl 'localhost:8080/repositories/team-a/app?sort=size&tag=v1&page=2'} — tags of a repository, 100
 *     a page, tags of the same digest grouped, its unique and shared bytes</li>
 *     <li>{@code curl 'localhost:8080/search?q=sha256:3a4b'} — search across the registry</li>
 *     <li>{@code curl localhost:8080/repositories/team-a/app/tags/v1} — one tag: platforms, layers, history, and the
 *     Run form when runs are enabled and the tag is runnable</li>
 * </ul>
 */
public final class CatalogPages implements HttpService {

    /** Repositories per page of {@code /}. */
    static final int PAGE_SIZE = 50;
    /** Tags (grouped by digest) per page of a repository. */
    static final int TAGS_PER_PAGE = 100;
    private static final String PREFIX = "/repositories/";

    private final Catalog catalog;
    private final Templates templates;
    private final TagRunSection runSection;
    private final TagDeleteSection deleteSection;

    /**
     * @param catalog    the catalog use cases
     * @param templates  the application's templates
     * @param runSection the Run part of a tag page ({@link TagRunSection#NONE} without runs)
     */
    public CatalogPages(Catalog catalog, Templates templates, TagRunSection runSection) {
        this(catalog, templates, runSection, TagDeleteSection.NONE);
    }

    /**
     * @param catalog       the catalog use cases
     * @param templates     the application's templates
     * @param runSection    the Run part of a tag page ({@link TagRunSection#NONE} without runs)
     * @param deleteSection the Untag / Delete image part of a tag page ({@link TagDeleteSection#NONE} without deletes)
     */
    public CatalogPages(Catalog catalog, Templates templates, TagRunSection runSection,
                        TagDeleteSection deleteSection) {
        this.catalog = catalog;
        this.templates = templates;
        this.runSection = runSection;
        this.deleteSection = deleteSection;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::repositories)
                .get("/search", this::search)
                .get("/repositories", (req, res) -> redirect(res, "/"))
                .get("/repositories/*", this::repositoryOrTag);
    }

    private void repositories(ServerRequest req, ServerResponse res) {
        String q = req.query().first("q").orElse("").trim();
        int requested = page(req.query().first("page").orElse("1"));
        RepositorySort sort = CatalogApi.sort(req);
        Overview overview = catalog.overview(q, sort);
        List<RepositoryInfo> all = overview.repositories();
        int pages = Math.max(1, (all.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        int page = Math.min(requested, pages);
        List<RepositoryInfo> shown = all.subList((page - 1) * PAGE_SIZE, Math.min(all.size(), page * PAGE_SIZE));
        long largest = all.stream().mapToLong(RepositoryInfo::size).max().orElse(0);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Repositories");
        model.put("q", q);
        model.put("sort", sort.key());
        model.put("sortHrefs", Views.sortHrefs(q));
        model.put("total", all.size());
        model.put("configured", catalog.repositoriesConfigured());
        model.put("page", page);
        model.put("pages", pages);
        model.put("from", all.isEmpty() ? 0 : (page - 1) * PAGE_SIZE + 1);
        model.put("to", (page - 1) * PAGE_SIZE + shown.size());
        model.put("repositories", shown.stream().map(r -> Views.repositoryRow(r, largest)).toList());
        model.put("totals", Views.totals(overview));
        model.put("progress", Views.progress(overview.status()));
        model.put("reclaimable", Views.reclaimable(overview.status()));
        model.put("prevHref", page > 1 ? pageHref(q, sort, page - 1) : "");
        model.put("nextHref", page < pages ? pageHref(q, sort, page + 1) : "");
        Html.send(req, res, templates.page("index.ftlh", model));
    }

    private void search(ServerRequest req, ServerResponse res) {
        String q = req.query().first("q").orElse("").trim();
        String repository = req.query().first("repository").orElse("").trim();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", q.isEmpty() ? "Search" : "Search: " + q);
        model.put("q", q);
        SearchResult result = q.isEmpty() ? new SearchResult("", List.of(), false)
                : IndexApi.search(catalog, q, repository);
        model.put("repository", result.repository() == null ? "" : result.repository());
        model.put("allHref", "/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
        model.put("groups", Views.searchGroups(result));
        // every matching tag counted, listed or not
        model.put("hits", result.hitCount());
        model.put("truncated", result.truncated());
        Html.send(req, res, templates.page("search.ftlh", model));
    }

    private void repositoryOrTag(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().path();
        RepositoryPath target = RepositoryPath.parse(path.substring(path.indexOf(PREFIX) + PREFIX.length()), false);
        if (target.tag() == null) {
            repository(req, res, catalog.repositoryView(target.repository()));
            return;
        }
        try {
            tag(req, res, target.repository(), target.tag(), Status.OK_200, Map.of(), null);
        } catch (RegistryException e) {
            // "/repositories/a/tags/b" is tag b of a — unless a repository named "a/tags/b" exists
            repository(req, res, wholePathRepository(target, e));
        }
    }

    /** The tags of the repository named by the whole path, or the original failure when there is none. */
    private RepositoryView wholePathRepository(RepositoryPath target, RegistryException failure) {
        String whole = target.repository() + "/tags/" + target.tag();
        if (failure.kind() != RegistryException.Kind.NOT_FOUND || !RepositoryPath.isRepositoryName(whole)) {
            throw failure;
        }
        try {
            return catalog.repositoryView(whole);
        } catch (RegistryException notThatEither) {
            throw failure;
        }
    }

    private void repository(ServerRequest req, ServerResponse res, RepositoryView view) {
        String repository = view.name();
        boolean showSidecars = AttachedViews.showSidecars(
                req.query().first(AttachedViews.SHOW_SIDECARS).orElse(""));
        // cosign's sidecar tags fold under the tag they name (badges), unless the toggle lists them
        List<TagSummary> tags = AttachedViews.listed(view.tags(), showSidecars);
        // newest first by default: with hundreds of tags, name order puts latest and the last release on page 2
        Views.Sort sort = Views.Sort.parse(req.query().first("sort").orElse(null), Views.Sort.CREATED);
        String filter = req.query().first("tag").orElse("").trim();
        List<TagSummary> matching = filter.isEmpty() ? tags : tags.stream()
                .filter(t -> t.name().toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT))).toList();
        List<List<TagSummary>> groups = Views.groupByDigest(matching, sort);
        int pages = Math.max(1, (groups.size() + TAGS_PER_PAGE - 1) / TAGS_PER_PAGE);
        int page = Math.min(page(req.query().first("page").orElse("1")), pages);
        List<List<TagSummary>> shown = groups.subList((page - 1) * TAGS_PER_PAGE,
                Math.min(groups.size(), page * TAGS_PER_PAGE));
        String href = Links.repository(repository);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", repository);
        model.put("repository", repository);
        model.put("href", href);
        model.put("sort", sort.key());
        model.put("filter", filter);
        model.put("tagCount", tags.size());
        model.put("matchCount", matching.size());
        model.put("rows", Views.rows(repository, shown, Views.largest(tags)));
        model.put("page", page);
        model.put("pages", pages);
        model.put("prevHref", page > 1 ? Views.repositoryHref(href, sort, filter, page - 1) : "");
        model.put("nextHref", page < pages ? Views.repositoryHref(href, sort, filter, page + 1) : "");
        if (showSidecars) {
            model.computeIfPresent("prevHref", (k, v) -> v.toString().isEmpty() ? v : v + "&sidecars=show");
            model.computeIfPresent("nextHref", (k, v) -> v.toString().isEmpty() ? v : v + "&sidecars=show");
        }
        // the filter form and the sort links keep the toggle too, like the pager
        model.put("showSidecars", showSidecars);
        model.put("attached", AttachedViews.repository(repository, href, view.tags(), view.attachments(),
                showSidecars));
        model.put("storage", view.storage() == null ? Map.of() : Views.storage(view.storage()));
        Html.send(req, res, templates.page("repository.ftlh", model));
    }

    /**
     * Renders a tag's page; with runs enabled and a runnable tag, the Run form too (pre-filled with {@code form}
     * and showing {@code error} — each bad field's reason next to it — when a submitted form was refused).
     */
    public void tag(ServerRequest req, ServerResponse res, String repository, String tag, Status status,
             Map<String, String> form, LaunchException error) {
        TagView view = catalog.tagView(repository, tag);
        TagDetail detail = view.detail();
        TagSummary summary = detail.summary();
        String pullHost = view.pullHost();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", repository + ":" + tag);
        model.put("repository", repository);
        model.put("repositoryHref", Links.repository(repository));
        model.put("tag", tag);
        model.put("kind", summary.kind().label());
        model.put("index", summary.kind() == ArtifactKind.INDEX);
        model.put("runnable", summary.runnable());
        model.put("digest", summary.digest());
        model.put("mediaType", summary.mediaType());
        model.put("mediaTypeLabel", Formats.mediaType(summary.mediaType()));
        model.put("created", Formats.exact(summary.created()));
        model.put("createdWhen", Formats.when(summary.created()));
        model.put("missingPlatforms", Views.missingPlatforms(summary));
        model.put("createdIso", Formats.rfc3339(summary.created()) == null ? "" : Formats.rfc3339(summary.created()));
        Long largest = Views.largestSize(summary);
        model.put("size", largest == null ? "" : Formats.size(largest));
        model.put("sizeExact", largest == null ? "" : Formats.exactBytes(largest));
        // helm pull --version takes the chart's version (from its config), which need not be the tag
        String pullRef = detail.chart() != null && detail.chart().version() != null ? detail.chart().version() : tag;
        model.put("pullByTag", Links.pullByTag(summary.kind(), pullHost, repository, pullRef));
        if (detail.chart() != null) {
            model.put("chart", Views.chart(detail.chart()));
        }
        model.put("pullByDigest", Links.pullByDigest(summary.kind(), pullHost, repository, summary.digest()));
        model.put("pullTool", Links.pullTool(summary.kind()));
        model.put("platforms", Views.platforms(detail, pullHost));
        model.put("capped", view.platformsCapped());
        model.put("freed", view.freedBytes() == null ? ""
                : Formats.size(view.freedBytes()) + " (" + Formats.exactBytes(view.freedBytes()) + ")");
        model.put("attached", AttachedViews.tag(repository, pullHost, view.attached(), view.sidecar()));
        runSection.addTo(model, req, res, detail, form, error);
        deleteSection.addTo(model, req, detail);
        model.put("compareWith", CompareControl.of(catalog, detail));
        Html.send(res, status, templates.render("tag.ftlh", model));
    }

    private static int page(String value) {
        try {
            int page = Integer.parseInt(value.trim());
            if (page >= 1) {
                return page;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw WebException.badRequest("Page must be a whole number from 1, got \"" + value + "\".");
    }

    private static String pageHref(String q, RepositorySort sort, int page) {
        String query = q.isEmpty() ? "" : "q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&";
        String order = sort == RepositorySort.NAME ? "" : "sort=" + sort.key() + "&";
        return "/?" + query + order + "page=" + page;
    }

    private static void redirect(ServerResponse res, String location) {
        res.status(Status.MOVED_PERMANENTLY_301).header(HeaderNames.LOCATION, location).send();
    }
}
