package dev.imagecatalog.catalog.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One event of a Distribution notification envelope
 * ({@code application/vnd.docker.distribution.events.v1+json}: {@code {"events":[{"action","target":{…}}]}}).
 *
 * @param action     {@code push}, {@code delete}, {@code pull}, {@code mount}
 * @param repository target repository
 * @param tag        target tag, {@code null} when the event names none (a push by digest, a blob)
 * @param digest     target digest, may be {@code null}
 * @param mediaType  target media type, may be {@code null}
 */
public record RegistryEvent(String action, String repository, String tag, String digest, String mediaType) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses an envelope.
     *
     * @throws IllegalArgumentException with a reason when it is not one
     */
    public static List<RegistryEvent> parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("The body is not JSON.");
        }
        if (root == null || !root.isObject() || !root.path("events").isArray()) {
            throw new IllegalArgumentException("Expected a notification envelope {\"events\":[…]}.");
        }
        List<RegistryEvent> events = new ArrayList<>();
        for (JsonNode e : root.get("events")) {
            JsonNode target = e.path("target");
            String action = text(e, "action");
            String repository = text(target, "repository");
            if (action == null || repository == null || !target.isObject()) {
                throw new IllegalArgumentException("Every event needs an action and a target.repository.");
            }
            events.add(new RegistryEvent(action, repository, text(target, "tag"), text(target, "digest"),
                    text(target, "mediaType")));
        }
        return List.copyOf(events);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
    }
}
