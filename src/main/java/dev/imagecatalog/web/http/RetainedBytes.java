package dev.imagecatalog.web.http;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/**
 * An upper estimate of the bytes a page model retains, for weighing cache keys that hold one. A model is built
 * per request, partly from the viewer's input (a filter, a search), so a cache keyed by models must weigh the key,
 * not only the page: a search for 8,000 characters that finds nothing renders a small page but is kept with all
 * 8,000 characters. Shared values (an index row the model only refers to) are counted as if owned, which errs on
 * the side of keeping less.
 */
final class RetainedBytes {

    /** Deeper than any page model; a guard against a model that refers to itself. */
    private static final int MAX_DEPTH = 16;
    private static final long OBJECT = 16;
    private static final long SLOT = 8;

    private RetainedBytes() {
    }

    /** The estimate for a model value: strings at two bytes a character, records, lists and maps walked. */
    static long of(Object value) {
        return of(value, 0);
    }

    private static long of(Object value, int depth) {
        if (value == null) {
            return 0;
        }
        if (depth > MAX_DEPTH) {
            return OBJECT;
        }
        return switch (value) {
            case CharSequence s -> 40 + 2L * s.length();
            case Number n -> OBJECT + SLOT;
            case Boolean b -> 0;
            case Enum<?> e -> 0;
            case Map<?, ?> m -> {
                long bytes = 48;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    bytes += 32 + of(e.getKey(), depth + 1) + of(e.getValue(), depth + 1);
                }
                yield bytes;
            }
            case Collection<?> c -> {
                long bytes = 40;
                for (Object e : c) {
                    bytes += SLOT + of(e, depth + 1);
                }
                yield bytes;
            }
            case Record r -> record(r, depth);
            default -> 32;
        };
    }

    private static long record(Record r, int depth) {
        long bytes = OBJECT;
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            bytes += SLOT;
            try {
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                bytes += of(accessor.invoke(r), depth + 1);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                bytes += 32;
            }
        }
        return bytes;
    }
}
