package dev.portico.api.auth;

import java.util.Objects;

/** The outcome of {@link Authenticator#authenticate}. */
public sealed interface AuthResult {

    /**
     * The credential is valid.
     *
     * @param principal who made the request
     */
    record Authenticated(Principal principal) implements AuthResult {
        /**
         * Validates the principal.
         *
         * @param principal who made the request
         */
        public Authenticated {
            Objects.requireNonNull(principal, "principal");
        }
    }

    /** The request carried no credential. */
    record Missing() implements AuthResult {}

    /**
     * The request carried a credential that is not valid.
     *
     * @param reason why, for the log (never the credential itself)
     */
    record Rejected(String reason) implements AuthResult {
        /**
         * Validates the reason.
         *
         * @param reason why
         */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
