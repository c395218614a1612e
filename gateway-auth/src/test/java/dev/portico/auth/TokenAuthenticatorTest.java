package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.auth.AuthResult;
import dev.portico.api.auth.Role;
import dev.portico.api.auth.Scope;
import dev.portico.api.transport.HttpRequest;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {
    final TokenAuthenticator auth = TokenAuthenticator.of("s3cret-token-value");

    AuthResult with(String header, String value) {
        return auth.authenticate(HttpRequest.builder().header(header, value).build());
    }

    @Test
    void bearerAndApiKeyAreAccepted() {
        AuthResult.Authenticated a = assertInstanceOf(AuthResult.Authenticated.class,
                with("Authorization", "Bearer s3cret-token-value"));
        assertEquals(Role.OPERATOR, a.principal().role());
        assertTrue(a.principal().has(Scope.OPERATOR_ADMIN) && a.principal().has(Scope.CHAT));
        assertInstanceOf(AuthResult.Authenticated.class, with("authorization", "bearer   s3cret-token-value "));
        assertInstanceOf(AuthResult.Authenticated.class, with("X-Api-Key", "s3cret-token-value"));
    }

    @Test
    void missingAndWrongAreToldApart() {
        assertInstanceOf(AuthResult.Missing.class, auth.authenticate(HttpRequest.builder().build()));
        assertInstanceOf(AuthResult.Missing.class, with("Authorization", "Bearer "));
        assertInstanceOf(AuthResult.Rejected.class, with("Authorization", "Bearer s3cret-token-valuX"));
        assertInstanceOf(AuthResult.Rejected.class, with("Authorization", "Bearer s3cret-token-value-and-more"));
        assertInstanceOf(AuthResult.Rejected.class, with("X-Api-Key", "s3cret"));
    }

    @Test
    void aBasicCredentialIsNotABearerToken() {
        assertInstanceOf(AuthResult.Missing.class, with("Authorization", "Basic czNjcmV0LXRva2VuLXZhbHVl"));
    }

    @Test
    void blankTokensAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TokenAuthenticator.of("  "));
    }
}
