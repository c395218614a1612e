package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.auth.Principal;
import dev.portico.api.auth.Scope;
import dev.portico.api.transport.HttpResponse;
import dev.portico.core.ConfigService;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/config}: the configuration read with its secrets redacted, replaced whole
 * ({@code POST /api/config}, {@code POST /api/config/apply}) or changed by a JSON merge patch
 * ({@code PATCH /api/config}, {@code POST /api/config/patch}), each change checked, kept and applied
 * live by the {@link ConfigService}.
 */
final class ConfigRoutes {
    private static final System.Logger LOG = System.getLogger(ConfigRoutes.class.getName());

    private final Optional<ConfigService> service;
    /** One change at a time: a patch reads the document, then replaces it. */
    private final Object changes = new Object();

    ConfigRoutes(Optional<ConfigService> service) {
        this.service = service;
    }

    List<Route> routes() {
        return List.of(
                Route.http("GET", "/api/config", Scope.OPERATOR_ADMIN, this::read),
                Route.http("PATCH", "/api/config", Scope.OPERATOR_ADMIN, ctx -> change(ctx, true)),
                Route.http("POST", "/api/config", Scope.OPERATOR_ADMIN, ctx -> change(ctx, false)),
                Route.http("POST", "/api/config/patch", Scope.OPERATOR_ADMIN, ctx -> change(ctx, true)),
                Route.http("POST", "/api/config/apply", Scope.OPERATOR_ADMIN, ctx -> change(ctx, false)));
    }

    private ConfigService service() {
        return service.orElseThrow(() -> new GatewayException(ErrorCode.UNAVAILABLE,
                "config: this gateway is configured by the application that embeds it"));
    }

    private HttpResponse read(RequestContext ctx) {
        ConfigService config = service();
        boolean normalized = mode(ctx);
        return Responses.ok(new Wire.ConfigView(true, config.effective(), normalized ? config.source() : null));
    }

    /** {@code mode}: omitted, {@code raw} or {@code normalized}; whether it is {@code normalized}. */
    private static boolean mode(RequestContext ctx) {
        Optional<String> mode = ctx.request().queryParam("mode");
        if (mode.isEmpty() || mode.get().equals("raw")) {
            return false;
        }
        if (mode.get().equals("normalized")) {
            return true;
        }
        throw new GatewayException(ErrorCode.INVALID_REQUEST, "mode: " + mode.get() + " (expected: raw or normalized)");
    }

    private HttpResponse change(RequestContext ctx, boolean patch) {
        ConfigService config = service();
        mode(ctx);
        JsonObject body = ctx.jsonBody();
        ConfigService.Applied applied;
        try {
            synchronized (changes) {
                applied = config.replace(patch ? mergePatch(config.source(), body) : body);
            }
        } catch (ConfigService.Rejected e) {
            GatewayException refused = new GatewayException(ErrorCode.INVALID_REQUEST, e.getMessage());
            return Responses.error(refused, new Wire.ConfigRefused(false,
                    new Wire.ErrorBody(refused.code().name(), refused.getMessage()), e.problems()));
        }
        LOG.log(System.Logger.Level.INFO, "config " + (patch ? "patched" : "replaced") + " by "
                + ctx.principal().map(Principal::id).orElse("?"));
        return Responses.ok(new Wire.ConfigApplied(true, applied.restartRequired(), applied.warnings()));
    }

    /**
     * A JSON merge patch (RFC 7386) applied to an object: a member set to {@code null} is removed,
     * an object merges into an object, anything else replaces.
     *
     * @param target the document
     * @param patch the patch
     * @return the patched document
     */
    static JsonObject mergePatch(JsonObject target, JsonObject patch) {
        JsonObjectBuilder out = Json.createObjectBuilder(target);
        for (Map.Entry<String, JsonValue> e : patch.entrySet()) {
            JsonValue value = e.getValue();
            if (value.getValueType() == JsonValue.ValueType.NULL) {
                out.remove(e.getKey());
            } else if (value instanceof JsonObject inner) {
                JsonValue now = target.get(e.getKey());
                out.add(e.getKey(), mergePatch(now instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT, inner));
            } else {
                out.add(e.getKey(), value);
            }
        }
        return out.build();
    }
}
