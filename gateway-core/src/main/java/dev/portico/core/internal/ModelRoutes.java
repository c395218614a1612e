package dev.portico.core.internal;

import dev.portico.api.agent.Agent;
import dev.portico.api.auth.Scope;
import dev.portico.api.transport.HttpResponse;
import dev.portico.core.ModelInfo;
import dev.portico.core.OpenAiCompatibleAgent;
import dev.portico.core.ProviderInfo;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** {@code GET /api/providers} and {@code GET /api/models}: what the agent is configured with, never a secret. */
final class ModelRoutes {
    // An agent's providers and models are fixed when it is built, and responses are immutable:
    // both answers are made once per agent.
    private record Answers(HttpResponse providers, HttpResponse models) {}

    private volatile Answers answers;

    ModelRoutes(Agent agent) {
        agent(agent);
    }

    /** Answers for another agent from now on, once the gateway was reconfigured with it. */
    void agent(Agent agent) {
        this.answers = new Answers(Responses.ok(providers(agent)), Responses.ok(models(agent)));
    }

    List<Route> routes() {
        return List.of(
                Route.http("GET", "/api/providers", Scope.OPERATOR_READ, ctx -> answers.providers()),
                Route.http("GET", "/api/models", Scope.OPERATOR_READ, ctx -> answers.models()));
    }

    private static Providers providers(Agent agent) {
        List<Provider> list = agent instanceof OpenAiCompatibleAgent openAi
                ? openAi.providers().stream().map(ModelRoutes::wire).toList()
                : List.of();
        return new Providers(true, list);
    }

    private static Models models(Agent agent) {
        List<Model> list = agent instanceof OpenAiCompatibleAgent openAi
                ? openAi.models().stream().map(ModelRoutes::wire).toList()
                : List.of(new Model(agent.name(), "builtin", agent.name(), "primary"));
        return new Models(true, list);
    }

    private static Provider wire(ProviderInfo p) {
        return new Provider(p.name(), p.baseUrl().toString(), p.hasApiKey());
    }

    private static Model wire(ModelInfo m) {
        return new Model(m.id(), m.provider(), m.model(), m.role().wireName());
    }

    /**
     * One provider.
     *
     * @param name the provider's name in the config
     * @param baseUrl its OpenAI-compatible base URL
     * @param hasApiKey whether a key is configured (the key itself is never shown)
     */
    @JsonbPropertyOrder({"name", "baseUrl", "hasApiKey"})
    public record Provider(String name, @JsonbProperty("base_url") String baseUrl,
            @JsonbProperty("has_api_key") boolean hasApiKey) {}

    /**
     * {@code GET /api/providers}.
     *
     * @param ok true
     * @param providers the configured providers
     */
    @JsonbPropertyOrder({"ok", "providers"})
    public record Providers(boolean ok, List<Provider> providers) {}

    /**
     * One model.
     *
     * @param id {@code <provider>/<model>}
     * @param provider the provider
     * @param model the provider's model name
     * @param role {@code primary} or {@code fallback}
     */
    @JsonbPropertyOrder({"id", "provider", "model", "role"})
    public record Model(String id, String provider, String model, String role) {}

    /**
     * {@code GET /api/models}.
     *
     * @param ok true
     * @param models the models, primary first, then the fallbacks in order
     */
    @JsonbPropertyOrder({"ok", "models"})
    public record Models(boolean ok, List<Model> models) {}
}
