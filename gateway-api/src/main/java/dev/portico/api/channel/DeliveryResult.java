package dev.portico.api.channel;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What became of one {@link Channel#send}. */
public sealed interface DeliveryResult {

    /**
     * The platform took the message.
     *
     * @param platformMessageId the platform's id of the message, when it gives one
     */
    record Delivered(Optional<String> platformMessageId) implements DeliveryResult {
        /**
         * Validates.
         *
         * @param platformMessageId not null
         */
        public Delivered {
            Objects.requireNonNull(platformMessageId, "platformMessageId");
        }
    }

    /**
     * The platform did not take the message this time and may later: a rate limit (with the wait
     * it asked for, which is honoured exactly), a server error or a network failure before the
     * request was sent (without one: the outbox backs off exponentially, with jitter).
     *
     * @param after the wait the platform asked for ({@code Retry-After}, {@code retry_after})
     * @param reason what happened, for the operator
     */
    record Retry(Optional<Duration> after, String reason) implements DeliveryResult {
        /**
         * Validates.
         *
         * @param after not negative
         * @param reason not null
         */
        public Retry {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(reason, "reason");
            after.ifPresent(d -> {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("after: " + d + " (expected: >= 0)");
                }
            });
        }
    }

    /**
     * The platform refused the message and always will (a chat that does not exist, a bot removed
     * from it, a malformed request): it is not retried.
     *
     * @param reason why, for the operator
     */
    record Failed(String reason) implements DeliveryResult {
        /**
         * Validates.
         *
         * @param reason not null
         */
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The request was sent but no answer came (a timeout, a connection cut): the platform may or
     * may not have taken it. Repeated only when the channel's sends are idempotent.
     *
     * @param reason what happened, for the operator
     */
    record Unknown(String reason) implements DeliveryResult {
        /**
         * Validates.
         *
         * @param reason not null
         */
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Delivered.
     *
     * @param platformMessageId the platform's id of the message
     * @return the result
     */
    static DeliveryResult delivered(String platformMessageId) {
        return new Delivered(Optional.ofNullable(platformMessageId));
    }

    /**
     * Retry after exactly this wait.
     *
     * @param after the wait the platform asked for
     * @param reason what happened
     * @return the result
     */
    static DeliveryResult retryAfter(Duration after, String reason) {
        return new Retry(Optional.of(after), reason);
    }

    /**
     * Retry after the outbox's backoff.
     *
     * @param reason what happened
     * @return the result
     */
    static DeliveryResult retry(String reason) {
        return new Retry(Optional.empty(), reason);
    }
}
