package org.circuitbook.generator.training;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensorsValidator;

/**
 * One trained model instance of a spec, as published: its file name under {@code models/SPEC/} and the
 * safetensors bytes (weights, with the spec and training metrics in {@code __metadata__}).
 *
 * <p>{@link #header()} and {@link #metrics()} are parsed once per bytes array and shared by every reader (the
 * cache check, the verifiers, {@code {metric}}, the figures' provenance notes): a cached build used to parse the
 * same headers, some 100 kB of JSON metrics each, four to six times. The bytes must not change once a model holds
 * them; the parsed header and metrics are unmodifiable (nested lists and objects included), so no reader can
 * change what the others read.
 */
public record TrainedModel(String fileName, byte[] bytes) {
    /** Keyed by the bytes array itself (arrays compare by identity), and dropped with it. */
    private static final Map<byte[], SafeTensorsValidator.Header> HEADERS = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Map<byte[], Map<?, ?>> METRICS = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The file's header, checked completely ({@link SafeTensorsValidator#validate}); throws its
     * {@link IllegalArgumentException} for a file that is not sound.
     */
    public SafeTensorsValidator.Header header() {
        SafeTensorsValidator.Header h = HEADERS.get(bytes);
        if (h == null) {
            h = SafeTensorsValidator.validate(bytes);
            HEADERS.put(bytes, h);
        }
        return h;
    }

    /** The file's {@code __metadata__}, in header order (empty when it has none). */
    public Map<String, String> metadata() {
        return header().metadata();
    }

    /**
     * The metrics the file's metadata holds (its {@code "metrics"} JSON object, unmodifiable all the way down), or
     * null when it has none.
     */
    public Map<?, ?> metrics() {
        Map<?, ?> m = METRICS.get(bytes);
        if (m == null) {
            String json = metadata().get("metrics");
            if (json == null) {
                return null;
            }
            m = (Map<?, ?>) frozen(Json.parse(json));
            METRICS.put(bytes, m);
        }
        return m;
    }

    /** A parsed JSON value whose objects and arrays, at every depth, cannot be changed. */
    private static Object frozen(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, frozen(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof java.util.List<?> list) {
            java.util.List<Object> copy = new java.util.ArrayList<>(list.size()); // JSON arrays may hold null
            for (Object v : list) {
                copy.add(frozen(v));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
