package dev.portico.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Portico's own version, from a resource the build fills in. */
public final class Versions {
    private static final String VERSION = load();

    private Versions() {}

    /**
     * The version of this Portico build.
     *
     * @return such as {@code 0.1.0}, or {@code unknown} when run from unfiltered sources
     */
    public static String portico() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Versions.class.getResourceAsStream("/META-INF/portico/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // Fall through to the unknown version; the gateway still runs.
        }
        return "unknown";
    }
}
