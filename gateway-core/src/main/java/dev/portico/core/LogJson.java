package dev.portico.core;

import dev.portico.core.internal.TranscriptFormat;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the log: written by hand (one line per record, no library on the logging path) and
 * read back with JSON-P into plain values — {@code String}, {@code Long}, {@code BigDecimal},
 * {@code Boolean}, {@code null}, and maps and lists for what a hand-edited line may hold.
 */
final class LogJson {
    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of());

    private LogJson() {}

    /**
     * Writes an object as one line of compact JSON.
     *
     * @param fields the fields, in order
     * @return the JSON text, without a line break
     */
    static String write(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder(128);
        writeObject(sb, fields);
        return sb.toString();
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> fields) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            TranscriptFormat.string(sb, String.valueOf(e.getKey()));
            sb.append(':');
            value(sb, e.getValue());
        }
        sb.append('}');
    }

    private static void value(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> TranscriptFormat.string(sb, s);
            case Boolean b -> sb.append(b.booleanValue());
            case Integer i -> sb.append(i.intValue());
            case Long l -> sb.append(l.longValue());
            case Short s -> sb.append(s.shortValue());
            case Byte b -> sb.append(b.byteValue());
            case BigInteger b -> sb.append(b);
            case BigDecimal b -> sb.append(b);
            case Double d when Double.isFinite(d) -> sb.append(d.doubleValue());
            case Float f when Float.isFinite(f) -> sb.append(f.floatValue());
            case Map<?, ?> m -> writeObject(sb, m);
            case Collection<?> c -> {
                sb.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    value(sb, o);
                }
                sb.append(']');
            }
            default -> TranscriptFormat.string(sb, String.valueOf(v));
        }
    }

    /**
     * Reads one line as a JSON object.
     *
     * @param line the line
     * @return its fields in order, or null when the line is not a JSON object
     */
    static Map<String, Object> read(String line) {
        if (line.isEmpty() || line.charAt(0) != '{') {
            return null;
        }
        try (JsonReader reader = READERS.createReader(new StringReader(line))) {
            return object(reader.readObject());
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static Map<String, Object> object(JsonObject o) {
        Map<String, Object> out = new LinkedHashMap<>();
        o.forEach((k, v) -> out.put(k, plain(v)));
        return Collections.unmodifiableMap(out);
    }

    private static Object plain(JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> {
                JsonNumber n = (JsonNumber) v;
                if (n.isIntegral()) {
                    try {
                        yield n.longValueExact();
                    } catch (ArithmeticException tooBig) {
                        yield n.bigDecimalValue();
                    }
                }
                yield n.bigDecimalValue();
            }
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
            case OBJECT -> object(v.asJsonObject());
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonValue item : (JsonArray) v) {
                    list.add(plain(item));
                }
                yield Collections.unmodifiableList(list);
            }
        };
    }
}
