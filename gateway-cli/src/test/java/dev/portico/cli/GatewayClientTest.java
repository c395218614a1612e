package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code portico cron} finds the gateway and which credential it sends; nothing is sent here. */
class GatewayClientTest {
    @TempDir
    Path state;

    GatewayClient.Options options(String... flags) {
        GatewayClient.Options o = new GatewayClient.Options();
        o.stateDir = state;
        for (int i = 0; i < flags.length; i += 2) {
            switch (flags[i]) {
                case "--url" -> o.url = flags[i + 1];
                case "--host" -> o.host = flags[i + 1];
                case "--port" -> o.port = Integer.valueOf(flags[i + 1]);
                case "--token" -> o.token = flags[i + 1];
                default -> throw new IllegalArgumentException(flags[i]);
            }
        }
        return o;
    }

    GatewayClient connect(Map<String, String> env, String... flags) throws Exception {
        return GatewayClient.connect(options(flags), env::get, GatewayClient.DEFAULT_TIMEOUT);
    }

    URI base(String... flags) throws Exception {
        try (GatewayClient client = connect(Map.of(), flags)) {
            return client.base();
        }
    }

    Optional<String> secret(Map<String, String> env, String... flags) throws Exception {
        try (GatewayClient client = connect(env, flags)) {
            return client.bearer().secret();
        }
    }

    @Test
    void theAddressIsWhereTheGatewayListensWithEveryInterfaceMeaningThisMachine() throws Exception {
        assertEquals(URI.create("http://127.0.0.1:18790"), base());
        assertEquals(URI.create("http://127.0.0.1:1234"), base("--host", "0.0.0.0", "--port", "1234"));
        assertEquals(URI.create("http://[::1]:1234"), base("--host", "::", "--port", "1234"));
        assertEquals(URI.create("http://[fd00::5]:1234"), base("--host", "fd00::5", "--port", "1234"));
        assertEquals(URI.create("http://gateway.lan:18790"), base("--host", "gateway.lan"));
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"host\": \"0.0.0.0\", \"port\": 9999}}");
        assertEquals(URI.create("http://127.0.0.1:9999"), base());
        assertEquals(URI.create("https://gw.example:8443/portico"), base("--url", "https://gw.example:8443/portico/"));
    }

    @Test
    void aBadAddressIsAUsageErrorNamingIt() {
        GatewayClient.Failure url = assertThrows(GatewayClient.Failure.class, () -> base("--url", "ftp://gw.example"));
        assertEquals(GatewayCommand.USAGE, url.exitCode());
        assertTrue(url.getMessage().startsWith("--url: \"ftp://gw.example\" (expected: the gateway's http or https URL"),
                url.getMessage());
        GatewayClient.Failure anyPort = assertThrows(GatewayClient.Failure.class, () -> base("--port", "0"));
        assertEquals(GatewayCommand.USAGE, anyPort.exitCode());
        assertTrue(anyPort.getMessage().contains("--port or --url"), anyPort.getMessage());
    }

    @Test
    void theTokenComesFromTheFlagTheEnvironmentTheConfigThenTheTokenFile() throws Exception {
        assertEquals(Optional.empty(), secret(Map.of()), "no token anywhere: none is sent");
        try (GatewayClient client = connect(Map.of())) {
            assertTrue(client.bearer().source().contains(state.resolve("token") + " does not exist"), client.bearer().source());
        }
        Files.writeString(state.resolve("token"), "stored-token-0123456789\n");
        assertEquals(Optional.of("stored-token-0123456789"), secret(Map.of()));
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"auth\": {\"token\": \"config-token-0123456789\"}}}");
        assertEquals(Optional.of("config-token-0123456789"), secret(Map.of()));
        Map<String, String> env = Map.of("PORTICO_GATEWAY_TOKEN", "env-token-0123456789");
        assertEquals(Optional.of("env-token-0123456789"), secret(env));
        assertEquals(Optional.of("flag-token-0123456789"), secret(env, "--token", "flag-token-0123456789"));
    }

    @Test
    void otherModesAndUnusableTokens() throws Exception {
        assertEquals(Optional.of("correct horse battery"), secret(Map.of("PORTICO_GATEWAY_PASSWORD", "correct horse battery")));
        assertEquals(Optional.empty(), secret(Map.of("PORTICO_GATEWAY_AUTH_MODE", "none")));
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"auth\": {\"token\": \"sha256:"
                + "a".repeat(64) + "\"}}}");
        try (GatewayClient client = connect(Map.of())) {
            assertEquals(Optional.empty(), client.bearer().secret(), "a hash cannot be sent");
            assertTrue(client.bearer().source().contains("sha256"), client.bearer().source());
        }
        Files.delete(state.resolve("config.json"));
        Files.writeString(state.resolve("token"), "");
        GatewayClient.Failure empty = assertThrows(GatewayClient.Failure.class, () -> connect(Map.of()));
        assertEquals(GatewayCommand.USAGE, empty.exitCode());
        assertTrue(empty.getMessage().contains(state.resolve("token").toString()), empty.getMessage());
    }
}
