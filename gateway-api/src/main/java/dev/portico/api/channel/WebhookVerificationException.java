package dev.portico.api.channel;

import java.util.Locale;
import java.util.Objects;

/**
 * A webhook request that does not prove it came from the platform. The gateway answers it
 * {@code 401} with the reason's code and counts it toward the failed-authentication lockout.
 */
public final class WebhookVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why verification failed. */
    public enum Reason {
        /** The signature (or secret token) header, or a header it needs, is absent. */
        MISSING_SIGNATURE,
        /** The signature does not match the body. */
        INVALID_SIGNATURE,
        /** The signed timestamp is outside the window (a replay, or a clock far off). */
        STALE_SIGNATURE;

        /**
         * The error code the API answers with.
         *
         * @return {@code missing_signature}, {@code invalid_signature} or {@code stale_signature}
         */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why
     * @param message what exactly, for the caller: never a secret or an expected signature
     */
    public WebhookVerificationException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Why verification failed.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
