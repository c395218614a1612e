package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.auth.AuthResult;
import dev.portico.api.auth.Authenticator;
import dev.portico.api.auth.Principal;
import dev.portico.api.auth.Scope;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.auth.ClientAddress;
import dev.portico.auth.FailedAuthLimiter;
import dev.portico.auth.OriginPolicy;
import dev.portico.auth.RateLimiter;
import dev.portico.auth.TrustedProxies;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What stands between a request and its route, in the order it is checked: the browser origin, the
 * failed authentication lockout of the client address, the credential and its scopes, and the
 * request rate limit of the route's class. HTTP requests and WebSocket upgrades pass the same checks.
 */
final class Guard {
    private static final System.Logger LOG = System.getLogger(Guard.class.getName());
    private static final String ORIGIN = "Origin";

    private final Authenticator authenticator;
    private final boolean allowQueryToken;
    private final boolean keyByAddress;
    private final OriginPolicy origins;
    private final TrustedProxies proxies;
    private final Optional<FailedAuthLimiter> failures;
    private final Optional<RateLimiter> rates;
    private final Map<RateClass, Integer> perMinute;
    private final Metrics metrics;

    /**
     * @param authenticator checks credentials
     * @param allowQueryToken whether {@code ?token=} is read on streaming routes
     * @param keyByAddress whether rate limits count per client address rather than per credential
     *     (authentication off: everyone is the same principal)
     * @param origins the browser origins allowed
     * @param proxies the proxies whose forwarding headers are believed
     * @param failures the failed authentication lockout, when on
     * @param rateLimits requests per minute by class name; 0 means none
     * @param clock the clock of the rate limits
     * @param metrics counts the lockouts
     */
    Guard(Authenticator authenticator, boolean allowQueryToken, boolean keyByAddress, OriginPolicy origins,
            TrustedProxies proxies, Optional<FailedAuthLimiter> failures, Map<String, Integer> rateLimits,
            Clock clock, Metrics metrics) {
        this.authenticator = authenticator;
        this.allowQueryToken = allowQueryToken;
        this.keyByAddress = keyByAddress;
        this.origins = origins;
        this.proxies = proxies;
        this.failures = failures;
        this.metrics = metrics;
        Map<RateClass, Integer> limits = new EnumMap<>(RateClass.class);
        RateLimiter.Builder rateLimiterBuilder = RateLimiter.builder().clock(clock);
        for (RateClass c : RateClass.values()) {
            int rate = rateLimits.getOrDefault(c.wireName(), 0);
            if (rate > 0) {
                limits.put(c, rate);
                rateLimiterBuilder.bucket(c.wireName(), rate);
            }
        }
        this.perMinute = limits;
        this.rates = limits.isEmpty() ? Optional.empty() : Optional.of(rateLimiterBuilder.build());
    }

    /**
     * Checks the browser origin of a request.
     *
     * @return the headers to add to the answer (CORS headers for an allowed foreign origin)
     * @throws GatewayException {@code FORBIDDEN} for an origin that is not allowed
     */
    Headers origin(HttpRequest request) {
        if (!request.headers().contains(ORIGIN)) {
            return Headers.empty();
        }
        OriginPolicy.Decision decision = origins.check(request);
        if (decision.refused()) {
            throw new GatewayException(ErrorCode.FORBIDDEN, decision.message()).header("Vary", ORIGIN);
        }
        return decision.headers();
    }

    /** The answer to a CORS preflight from an allowed origin; empty for any other request. */
    Optional<HttpResponse> preflight(HttpRequest request) {
        return request.method().equals("OPTIONS") ? origins.preflight(request) : Optional.empty();
    }

    /**
     * Authenticates a request for a route and checks its scope.
     *
     * @return the principal; empty on public routes
     * @throws GatewayException {@code UNAUTHORIZED}, {@code FORBIDDEN} naming the missing scope, or
     *     {@code RATE_LIMITED} while the client address is locked out
     */
    Optional<Principal> authorize(Route route, HttpRequest request) {
        if (route.open()) {
            return Optional.empty();
        }
        Optional<String> counted = checkLockout(request);
        AuthResult result = authenticator.authenticate(request);
        Optional<String> queryToken = Optional.empty();
        if (result instanceof AuthResult.Missing) {
            // The query is only read when no header carried a credential.
            queryToken = request.queryParam("token").filter(t -> !t.isBlank());
            if (queryToken.isPresent() && allowQueryToken && route.stream()) {
                result = authenticator.authenticate(withBearer(request, queryToken.get()));
            }
        }
        return switch (result) {
            case AuthResult.Authenticated a -> {
                counted.ifPresent(address -> failures.get().recordSuccess(address));
                Optional<Scope> scope = route.scope();
                if (scope.isPresent() && !a.principal().has(scope.get())) {
                    throw new GatewayException(ErrorCode.FORBIDDEN, "missing scope: " + scope.get().wireName());
                }
                yield Optional.of(a.principal());
            }
            case AuthResult.Missing m -> throw new GatewayException(ErrorCode.UNAUTHORIZED,
                    "credential required: send Authorization: Bearer <token> or X-Api-Key: <token>"
                            + (queryToken.isEmpty() ? "" : !allowQueryToken
                                    ? " (a ?token= in the URL is not accepted: gateway.auth.allowQueryToken is off)"
                                    : " (a ?token= in the URL is accepted on streaming routes only)"))
                    .header("WWW-Authenticate", "Bearer");
            case AuthResult.Rejected r -> {
                recordFailure(counted);
                throw new GatewayException(ErrorCode.UNAUTHORIZED, "invalid credential")
                        .header("WWW-Authenticate", "Bearer");
            }
        };
    }

    /**
     * Refuses a client address that is locked out after repeated invalid credentials.
     *
     * @return the address failures are counted against; empty when they are not counted (the
     *     lockout is off, or the request came directly over loopback)
     * @throws GatewayException {@code RATE_LIMITED} with {@code Retry-After} while it is locked out
     */
    Optional<String> checkLockout(HttpRequest request) {
        // Direct requests over loopback are the operator's own; a relayed one never counts as local.
        Optional<String> counted = failures.isPresent() && !ClientAddress.isLocal(request)
                ? Optional.of(clientKey(request))
                : Optional.empty();
        counted.flatMap(address -> failures.get().lockedOut(address)).ifPresent(remaining -> {
            throw lockedOut(remaining);
        });
        return counted;
    }

    /**
     * Counts an invalid credential (a webhook signature that does not verify, too) against the
     * client address.
     *
     * @param counted the address {@link #checkLockout} returned
     */
    void recordFailure(Optional<String> counted) {
        counted.ifPresent(address -> failures.get().recordFailure(address).ifPresent(lockout -> {
            metrics.lockout();
            LOG.log(System.Logger.Level.WARNING, "client " + address + " locked out for "
                    + seconds(lockout) + " s after repeated invalid credentials");
        }));
    }

    /**
     * Takes one request from the rate limit of a class.
     *
     * @param rateClass the class
     * @param request the request
     * @param principal who made it
     * @return the headers to add to the answer ({@code X-RateLimit-Limit} and
     *     {@code X-RateLimit-Remaining}); empty when the class has no limit
     * @throws GatewayException {@code RATE_LIMITED} with {@code Retry-After} when the limit is reached
     */
    Headers admit(RateClass rateClass, HttpRequest request, Optional<Principal> principal) {
        Integer limit = perMinute.get(rateClass);
        if (limit == null) {
            return Headers.empty();
        }
        String key = keyByAddress || principal.isEmpty()
                ? "address " + clientKey(request)
                : "credential " + principal.get().id();
        RateLimiter.Decision d = rates.orElseThrow().tryAcquire(rateClass.wireName(), key);
        if (!d.allowed()) {
            throw new GatewayException(ErrorCode.RATE_LIMITED, "rate limit reached: " + limit + " " + rateClass.wireName()
                    + " requests per minute; retry after " + d.retryAfterSeconds() + " s")
                    .header("Retry-After", Long.toString(d.retryAfterSeconds()))
                    .header("X-RateLimit-Limit", limit.toString())
                    .header("X-RateLimit-Remaining", "0");
        }
        return Headers.builder().set("X-RateLimit-Limit", limit.toString())
                .set("X-RateLimit-Remaining", Long.toString(d.remaining())).build();
    }

    private String clientKey(HttpRequest request) {
        try {
            return ClientAddress.of(request, proxies).getHostAddress();
        } catch (IllegalArgumentException unresolved) {
            return request.remoteAddress().getHostString();
        }
    }

    private static GatewayException lockedOut(Duration remaining) {
        long seconds = seconds(remaining);
        return new GatewayException(ErrorCode.RATE_LIMITED,
                "too many invalid credentials from this address; retry after " + seconds + " s")
                .header("Retry-After", Long.toString(seconds));
    }

    private static long seconds(Duration d) {
        long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Math.max(1, s);
    }

    /** The request with {@code Authorization: Bearer <token>} added (a query token, once allowed). */
    private static HttpRequest withBearer(HttpRequest request, String token) {
        return HttpRequest.of(request.method(), request.path(), request.rawQuery(),
                request.headers().toBuilder().set("Authorization", "Bearer " + token).build(),
                request.remoteAddress(), request.secure(), request.body());
    }
}
