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
import java.util.List;
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

    private final boolean keyByAddress;
    private final Clock clock;
    private final Metrics metrics;
    private volatile Policy policy;

    /**
     * What the guard enforces; replaced whole when the gateway is reconfigured, so that a request
     * sees one policy from start to end.
     */
    private record Policy(Authenticator authenticator, boolean allowQueryToken, OriginPolicy origins,
            TrustedProxies proxies, Optional<FailedAuthLimiter> failures, List<Object> failureSettings,
            Optional<RateLimiter> rates, Map<RateClass, Integer> perMinute) {}

    /**
     * @param authenticator checks credentials
     * @param allowQueryToken whether {@code ?token=} is read on streaming routes
     * @param keyByAddress whether rate limits count per client address rather than per credential
     *     (authentication off: everyone is the same principal)
     * @param origins the browser origins allowed
     * @param proxies the proxies whose forwarding headers are believed
     * @param failures the failed authentication lockout, when on
     * @param failureSettings the lockout's settings, to keep its counts when they do not change
     * @param rateLimits requests per minute by class name; 0 means none
     * @param clock the clock of the rate limits
     * @param metrics counts the lockouts
     */
    Guard(Authenticator authenticator, boolean allowQueryToken, boolean keyByAddress, OriginPolicy origins,
            TrustedProxies proxies, Optional<FailedAuthLimiter> failures, List<Object> failureSettings,
            Map<String, Integer> rateLimits, Clock clock, Metrics metrics) {
        this.keyByAddress = keyByAddress;
        this.clock = clock;
        this.metrics = metrics;
        this.policy = policy(authenticator, allowQueryToken, origins, proxies, failures, failureSettings, rateLimits,
                null);
    }

    /**
     * Enforces new settings from the next request on. The lockout's counts and the rate limits'
     * buckets are kept where their settings did not change.
     */
    void update(Authenticator authenticator, boolean allowQueryToken, OriginPolicy origins, TrustedProxies proxies,
            Optional<FailedAuthLimiter> failures, List<Object> failureSettings, Map<String, Integer> rateLimits) {
        policy = policy(authenticator, allowQueryToken, origins, proxies, failures, failureSettings, rateLimits, policy);
    }

    /** @return the authenticator in force */
    Authenticator authenticator() {
        return policy.authenticator();
    }

    private Policy policy(Authenticator authenticator, boolean allowQueryToken, OriginPolicy origins,
            TrustedProxies proxies, Optional<FailedAuthLimiter> failures, List<Object> failureSettings,
            Map<String, Integer> rateLimits, Policy previous) {
        Map<RateClass, Integer> limits = new EnumMap<>(RateClass.class);
        RateLimiter.Builder rateLimiterBuilder = RateLimiter.builder().clock(clock);
        for (RateClass c : RateClass.values()) {
            int rate = rateLimits.getOrDefault(c.wireName(), 0);
            if (rate > 0) {
                limits.put(c, rate);
                rateLimiterBuilder.bucket(c.wireName(), rate);
            }
        }
        Optional<RateLimiter> rates;
        if (previous != null && previous.perMinute().equals(limits)) {
            rates = previous.rates();
        } else {
            rates = limits.isEmpty() ? Optional.empty() : Optional.of(rateLimiterBuilder.build());
        }
        Optional<FailedAuthLimiter> lockout = previous != null && previous.failureSettings().equals(failureSettings)
                ? previous.failures() : failures;
        return new Policy(authenticator, allowQueryToken, origins, proxies, lockout, List.copyOf(failureSettings),
                rates, Map.copyOf(limits));
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
        OriginPolicy.Decision decision = policy.origins().check(request);
        if (decision.refused()) {
            throw new GatewayException(ErrorCode.FORBIDDEN, decision.message()).header("Vary", ORIGIN);
        }
        return decision.headers();
    }

    /** The answer to a CORS preflight from an allowed origin; empty for any other request. */
    Optional<HttpResponse> preflight(HttpRequest request) {
        return request.method().equals("OPTIONS") ? policy.origins().preflight(request) : Optional.empty();
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
        Policy p = policy;
        Authenticator authenticator = p.authenticator();
        boolean allowQueryToken = p.allowQueryToken();
        Optional<FailedAuthLimiter> failures = p.failures();
        Optional<String> counted = checkLockout(p, request);
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
                recordFailure(p, counted);
                throw new GatewayException(ErrorCode.UNAUTHORIZED, "invalid credential")
                        .header("WWW-Authenticate", "Bearer");
            }
        };
    }

    /**
     * Whether the credential a request was authorized with still holds the route's scope under the
     * current credentials; for streams opened before a change of credentials. Nothing is counted
     * toward the lockout.
     *
     * @param route the stream's route
     * @param request the request that opened it (its credential headers and query)
     * @return whether the stream may stay open
     */
    boolean stillAuthorized(Route route, HttpRequest request) {
        if (route.open()) {
            return true;
        }
        Policy p = policy;
        AuthResult result = p.authenticator().authenticate(request);
        if (result instanceof AuthResult.Missing && p.allowQueryToken() && route.stream()) {
            Optional<String> queryToken = request.queryParam("token").filter(t -> !t.isBlank());
            if (queryToken.isPresent()) {
                result = p.authenticator().authenticate(withBearer(request, queryToken.get()));
            }
        }
        return result instanceof AuthResult.Authenticated a && route.scope().map(a.principal()::has).orElse(true);
    }

    /**
     * Refuses a client address that is locked out after repeated invalid credentials.
     *
     * @return the address failures are counted against; empty when they are not counted (the
     *     lockout is off, or the request came directly over loopback)
     * @throws GatewayException {@code RATE_LIMITED} with {@code Retry-After} while it is locked out
     */
    Optional<String> checkLockout(HttpRequest request) {
        return checkLockout(policy, request);
    }

    private Optional<String> checkLockout(Policy p, HttpRequest request) {
        Optional<FailedAuthLimiter> failures = p.failures();
        // Direct requests over loopback are the operator's own; a relayed one never counts as local.
        Optional<String> counted = failures.isPresent() && !ClientAddress.isLocal(request)
                ? Optional.of(clientKey(p, request))
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
        recordFailure(policy, counted);
    }

    private void recordFailure(Policy p, Optional<String> counted) {
        Optional<FailedAuthLimiter> failures = p.failures();
        counted.filter(a -> failures.isPresent()).ifPresent(address -> failures.get().recordFailure(address)
                .ifPresent(lockout -> {
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
        Policy p = policy;
        Integer limit = p.perMinute().get(rateClass);
        if (limit == null) {
            return Headers.empty();
        }
        String key = keyByAddress || principal.isEmpty()
                ? "address " + clientKey(p, request)
                : "credential " + principal.get().id();
        RateLimiter.Decision d = p.rates().orElseThrow().tryAcquire(rateClass.wireName(), key);
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

    private static String clientKey(Policy p, HttpRequest request) {
        try {
            return ClientAddress.of(request, p.proxies()).getHostAddress();
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
