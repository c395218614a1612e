package dev.portico.cli;

import dev.portico.core.GatewayLog;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What {@code gateway.logging} sets: the level of Portico's loggers ({@code dev.portico}) and of
 * the request lines ({@code dev.portico.requests}, written at {@code DEBUG}). A key the file leaves
 * out keeps the level the logging configuration gave (INFO for Portico, the request lines following
 * it); {@link #restore} puts those back when the gateway stops.
 */
final class LogLevels {
    /** Held here: {@code java.util.logging} keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger PORTICO = Logger.getLogger("dev.portico");
    private static final Logger REQUESTS = Logger.getLogger("dev.portico.requests");

    private boolean applied;
    private Level porticoBefore;
    private Level requestsBefore;

    /**
     * Sets the levels a config asks for; called at start and on every change of the config.
     *
     * @param logging the config's {@code gateway.logging}
     */
    synchronized void apply(ConfigFile.Logging logging) {
        if (!applied) {
            porticoBefore = PORTICO.getLevel();
            requestsBefore = REQUESTS.getLevel();
            applied = true;
        }
        PORTICO.setLevel(logging.level().orElse(porticoBefore));
        REQUESTS.setLevel(logging.requests().map(on -> on ? Level.FINE : Level.INFO).orElse(requestsBefore));
    }

    /** Puts back the levels found before the first {@link #apply}. */
    synchronized void restore() {
        if (applied) {
            PORTICO.setLevel(porticoBefore);
            REQUESTS.setLevel(requestsBefore);
            applied = false;
        }
    }

    /**
     * The level Portico's lines are written from, as the config file names it.
     *
     * @return {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}
     */
    static String level() {
        return GatewayLog.levelName(effective(PORTICO)).toLowerCase(Locale.ROOT);
    }

    /**
     * Whether request lines are written.
     *
     * @return true when {@code dev.portico.requests} lets {@code DEBUG} through
     */
    static boolean requests() {
        return REQUESTS.isLoggable(Level.FINE);
    }

    /** A logger's level, or the nearest parent's when it has none of its own. */
    private static Level effective(Logger logger) {
        for (Logger l = logger; l != null; l = l.getParent()) {
            if (l.getLevel() != null) {
                return l.getLevel();
            }
        }
        return Level.INFO;
    }
}
