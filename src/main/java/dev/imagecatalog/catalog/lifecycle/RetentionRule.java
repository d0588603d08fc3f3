package dev.imagecatalog.catalog.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One retention rule: which repositories it governs and what it keeps there; every other tag of those repositories
 * goes (unless the digest it names is protected, see {@link RetentionPlanner}).
 *
 * @param repositories    a glob over repository names: {@code *} any characters but {@code /}, {@code **} any
 *                        characters, {@code ?} one character but {@code /}
 * @param keepLast        keep the newest this many tags (by image creation time), {@code null} for no such criterion
 * @param keepTags        keep the tags this regular expression matches (whole name), {@code null} for none
 * @param keepYoungerThan keep the tags whose image was created less than this long ago, {@code null} for none
 */
public record RetentionRule(String repositories, Integer keepLast, Pattern keepTags, Duration keepYoungerThan) {

    /** Checks the rule: a glob, at least one keep criterion (a rule keeping nothing would delete everything). */
    public RetentionRule {
        if (repositories == null || repositories.isBlank()) {
            throw new IllegalArgumentException("a retention rule needs \"repositories\" (a glob such as team-a/*)");
        }
        if (keepLast == null && keepTags == null && keepYoungerThan == null) {
            throw new IllegalArgumentException("the retention rule for \"" + repositories + "\" keeps nothing: give"
                    + " keepLast, keepTags or keepYoungerThan (a rule without them would delete every tag)");
        }
        if (keepLast != null && keepLast < 0) {
            throw new IllegalArgumentException("keepLast of the retention rule for \"" + repositories
                    + "\" must be 0 or more, got " + keepLast);
        }
        if (keepYoungerThan != null && (keepYoungerThan.isNegative() || keepYoungerThan.isZero())) {
            throw new IllegalArgumentException("keepYoungerThan of the retention rule for \"" + repositories
                    + "\" must be positive, got " + keepYoungerThan);
        }
    }

    /**
     * A rule from its configured text values, with a clear message for a bad regular expression or duration.
     *
     * @param repositories    glob
     * @param keepLast        count or {@code null}
     * @param keepTags        regular expression or {@code null}
     * @param keepYoungerThan ISO-8601 duration ({@code P30D}, {@code PT12H}) or {@code null}
     */
    public static RetentionRule parse(String repositories, Integer keepLast, String keepTags, String keepYoungerThan) {
        Pattern tags = null;
        if (keepTags != null) {
            try {
                tags = Pattern.compile(keepTags);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("keepTags of the retention rule for \"" + repositories
                        + "\" is not a valid regular expression: " + e.getDescription() + " near index "
                        + e.getIndex() + " of \"" + keepTags + "\"");
            }
        }
        Duration younger = null;
        if (keepYoungerThan != null) {
            try {
                younger = Duration.parse(keepYoungerThan.strip());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("keepYoungerThan of the retention rule for \"" + repositories
                        + "\" is not an ISO-8601 duration such as P30D or PT12H: \"" + keepYoungerThan + "\"");
            }
        }
        return new RetentionRule(repositories, keepLast, tags, younger);
    }

    /** Whether this rule governs the repository. */
    public boolean governs(String repository) {
        return glob(repositories).matcher(repository).matches();
    }

    /** The reasons a tag goes under this rule (each criterion it fails), for the plan. */
    String deleteReason() {
        List<String> parts = new ArrayList<>();
        if (keepLast != null) {
            parts.add("not among the newest " + keepLast);
        }
        if (keepTags != null) {
            parts.add("does not match keepTags");
        }
        if (keepYoungerThan != null) {
            parts.add("older than " + describe(keepYoungerThan));
        }
        return String.join(", ", parts) + " (rule " + repositories + ")";
    }

    /** {@code 30 days}, {@code 12 hours}, else the ISO form. */
    static String describe(Duration d) {
        if (d.toSeconds() % 86_400 == 0) {
            long days = d.toDays();
            return days + (days == 1 ? " day" : " days");
        }
        if (d.toSeconds() % 3_600 == 0) {
            long hours = d.toHours();
            return hours + (hours == 1 ? " hour" : " hours");
        }
        return d.toString();
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
