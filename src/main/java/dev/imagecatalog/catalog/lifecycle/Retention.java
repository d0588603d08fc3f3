package dev.imagecatalog.catalog.lifecycle;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.imagecatalog.catalog.index.RegistryIndex;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.registry.DistributionClient;
import dev.imagecatalog.registry.RegistryException;

/**
 * Retention: the dry run ({@link #plan()}, from the index and what pods use) and carrying out exactly a plan the
 * caller saw ({@link #apply(String)}), each delete by digest and only while every tag of it still names that digest.
 */
public final class Retention {

    private static final Logger LOGGER = Logger.getLogger(Retention.class.getName());

    private final RegistryIndex index;
    private final DistributionClient client;
    private final Consumer<String> refresh;
    private final ImagesInUse inUse;
    private final RetentionSettings settings;
    private final Clock clock;

    /**
     * @param index    the index plans are computed from
     * @param client   the registry deletes go to
     * @param refresh  re-reads one repository into the index (after its deletes, or a tag found moved)
     * @param inUse    what the cluster's pods run
     * @param settings the rules
     * @param clock    the time {@code keepYoungerThan} counts back from
     */
    public Retention(RegistryIndex index, DistributionClient client, Consumer<String> refresh, ImagesInUse inUse,
                     RetentionSettings settings, Clock clock) {
        this.index = Objects.requireNonNull(index);
        this.client = Objects.requireNonNull(client);
        this.refresh = Objects.requireNonNull(refresh);
        this.inUse = Objects.requireNonNull(inUse);
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The rules, schedule and whether deletes are on. */
    public RetentionSettings settings() {
        return settings;
    }

    /** The dry run now. Asks the cluster which digests pods use; its failure is this call's (no plan without it). */
    public RetentionPlan plan() {
        return RetentionPlanner.plan(List.copyOf(index.snapshots()), settings, inUse.byDigest(), clock.instant());
    }

    /**
     * Recomputes the plan and applies it when its id is {@code planId}.
     *
     * @throws PlanChangedException the plan is not the one with that id (nothing deleted)
     */
    public RetentionOutcome apply(String planId) {
        RetentionPlan plan = plan();
        if (!plan.id().equals(planId)) {
            throw new PlanChangedException("The plan changed since it was shown (now " + plan.id() + "): nothing was"
                    + " deleted; review the new plan", plan);
        }
        return apply(plan);
    }

    /**
     * Applies a plan just computed: first every tag it deletes is checked against the registry — one that names
     * another digest now refreshes its repository and answers {@link PlanChangedException} with the new plan,
     * nothing deleted — then each manifest is deleted by digest after its tags are checked once more (a tag re-pushed
     * in between is left out and reported). Deleted repositories are re-read into the index.
     */
    public RetentionOutcome apply(RetentionPlan plan) {
        Set<String> moved = new LinkedHashSet<>();
        for (RetentionPlan.Repository r : plan.repositories()) {
            for (RetentionPlan.Decision d : r.delete()) {
                if (!d.digest().equals(now(r.name(), d.tag()).orElse(null))) {
                    moved.add(r.name());
                }
            }
        }
        if (!moved.isEmpty()) {
            moved.forEach(this::refreshQuietly);
            RetentionPlan current = plan();
            throw new PlanChangedException("Tags of " + String.join(", ", moved) + " were pushed again after the"
                    + " plan was made: nothing was deleted; review the new plan " + current.id(), current);
        }
        List<RepositorySnapshot> before = List.copyOf(index.snapshots());
        List<RetentionOutcome.Deleted> deleted = new ArrayList<>();
        List<RetentionOutcome.Skipped> skipped = new ArrayList<>();
        Map<String, Set<String>> gone = new LinkedHashMap<>();
        try {
            for (RetentionPlan.Repository r : plan.repositories()) {
                Set<String> left = new HashSet<>();
                for (RetentionPlan.Group g : r.groups()) {
                    String reason = g.subject() != null && left.contains(g.subject())
                            ? "left in place with " + g.subject() + ", which was re-pushed" : moved(r.name(), g);
                    if (reason != null) {
                        left.add(g.digest());
                        g.tags().forEach(t -> skipped.add(new RetentionOutcome.Skipped(r.name(), t, g.digest(),
                                reason)));
                        continue;
                    }
                    delete(r.name(), g.digest(), true);
                    gone.computeIfAbsent(r.name(), k -> new LinkedHashSet<>()).add(g.digest());
                    g.tags().forEach(t -> deleted.add(new RetentionOutcome.Deleted(r.name(), t, g.digest())));
                    for (String member : g.members()) {
                        delete(r.name(), member, false);
                        gone.get(r.name()).add(member);
                    }
                }
            }
        } finally {
            gone.keySet().forEach(this::refreshQuietly);
        }
        return new RetentionOutcome(plan, deleted, skipped, RetentionPlanner.freed(before, gone));
    }

    /** Why a group is left out (a tag of it names something else now), or {@code null} to delete it. */
    private String moved(String repository, RetentionPlan.Group g) {
        for (String tag : g.tags()) {
            Optional<String> now = now(repository, tag);
            if (!now.map(g.digest()::equals).orElse(false)) {
                return repository + ":" + tag + " points at " + now.orElse("nothing") + " now, not at " + g.digest()
                        + " as planned: left in place";
            }
        }
        return null;
    }

    private void delete(String repository, String digest, boolean tagged) {
        try {
            client.deleteManifest(repository, digest);
        } catch (RegistryException e) {
            // a member already gone (deleted with another repository's copy, or by hand) is what we wanted
            if (tagged || e.kind() != RegistryException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    private Optional<String> now(String repository, String tag) {
        try {
            return client.manifestDigest(repository, tag);
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void refreshQuietly(String repository) {
        try {
            refresh.accept(repository);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "Re-reading " + repository + " after retention failed: " + e.getMessage());
        }
    }
}
