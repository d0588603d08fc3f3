package dev.imagecatalog.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the web ITs read from and send to the Run form: the tag page's address, form fields, node radios, CSRF token. */
public final class RunForms {

    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private RunForms() {
    }

    /** {@code /repositories/<repository>/tags/<tag>}. */
    public static String tagPath(TestPusher.Image image) {
        return "/repositories/" + image.repository() + "/tags/" + image.tag();
    }

    /** The Run form's fields for an image on a node (no CSRF token yet). */
    public static Map<String, String> form(TestPusher.Image image, String node) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("repository", image.repository());
        form.put("tag", image.tag());
        form.put("node", node);
        return form;
    }

    /** The radio input of a node in the Run form; fails when the page has none. */
    public static String radio(String page, String node) {
        Matcher m = Pattern.compile("<input type=\"radio\" name=\"node\" value=\"" + Pattern.quote(node) + "\"[^>]*>")
                .matcher(page);
        if (!m.find()) {
            throw new AssertionError("no radio for " + node + " in the page");
        }
        return m.group();
    }

    /** The hidden CSRF field's value of a page; fails when the page has none. */
    public static String csrfToken(String page) {
        Matcher m = HIDDEN_CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no hidden csrf field in the page");
        }
        return m.group(1);
    }
}
