package dev.portico.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Where Portico's own version comes from: a resource the build fills in. */
final class Versions {
    private static final String VERSION = load();

    private Versions() {}

    static String portico() {
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
