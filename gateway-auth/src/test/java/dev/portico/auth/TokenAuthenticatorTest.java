package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.auth.AuthResult;
import dev.portico.api.auth.Role;
import dev.portico.api.auth.Scope;
import dev.portico.api.transport.HttpRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
    void weakTokensAreRefusedWithoutShowingThem() {
        assertThrows(IllegalArgumentException.class, () -> TokenAuthenticator.of("  "));
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class,
                () -> TokenAuthenticator.of("short-tok-15chr"));
        assertEquals("token: 15 characters (expected: at least 16; leave it unset to have one generated)",
                shortOne.getMessage());
        for (String placeholder : new String[] {"changeme", "CHANGEME", "your-secret-token", "undefined", "null", "token"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenAuthenticator.of(placeholder));
            assertTrue(e.getMessage().startsWith("token: a placeholder value"), e.getMessage());
        }
        String weak = "your-secret-token";
        assertFalse(assertThrows(IllegalArgumentException.class, () -> TokenAuthenticator.of(weak)).getMessage().contains(weak));
        assertFalse(shortOne.getMessage().contains("short-tok-15chr"));
    }

    @Test
    void namedCredentialsGrantTheirOwnScopes() {
        TokenAuthenticator several = TokenAuthenticator.of(List.of(
                Credential.token("ops", "operator-token-0123456789", Role.OPERATOR),
                Credential.token("dash", "viewer-token-0123456789", Role.VIEWER),
                Credential.token("bot", "chat-token-0123456789", Role.CHAT, EnumSet.of(Scope.CHAT, Scope.OPERATOR_READ))));
        AuthResult.Authenticated viewer = assertInstanceOf(AuthResult.Authenticated.class, several.authenticate(
                HttpRequest.builder().header("Authorization", "Bearer viewer-token-0123456789").build()));
        assertEquals("dash", viewer.principal().id());
        assertEquals(Set.of(Scope.OPERATOR_READ), viewer.principal().scopes());
        AuthResult.Authenticated bot = assertInstanceOf(AuthResult.Authenticated.class, several.authenticate(
                HttpRequest.builder().header("X-Api-Key", "chat-token-0123456789").build()));
        assertEquals(Set.of(Scope.CHAT, Scope.OPERATOR_READ), bot.principal().scopes());
        assertInstanceOf(AuthResult.Rejected.class, several.authenticate(
                HttpRequest.builder().header("Authorization", "Bearer nobody-token-0123456789").build()));
        assertThrows(IllegalArgumentException.class, () -> TokenAuthenticator.of(List.of(
                Credential.token("same", "first-token-0123456789", Role.OPERATOR),
                Credential.token("same", "second-token-0123456789", Role.VIEWER))));
    }

    @Test
    void aClientCanNarrowItsScopesButNeverWidenThem() {
        TokenAuthenticator several = TokenAuthenticator.of(List.of(
                Credential.token("dash", "viewer-token-0123456789", Role.VIEWER)));
        AuthResult.Authenticated asked = assertInstanceOf(AuthResult.Authenticated.class, several.authenticate(
                HttpRequest.builder().header("Authorization", "Bearer viewer-token-0123456789")
                        .header(TokenAuthenticator.NARROW_HEADER, "operator.read, operator.admin, chat, bogus").build()));
        assertEquals(Set.of(Scope.OPERATOR_READ), asked.principal().scopes(), "never more than the credential holds");
        AuthResult.Authenticated narrowed = assertInstanceOf(AuthResult.Authenticated.class, auth.authenticate(
                HttpRequest.builder().header("Authorization", "Bearer s3cret-token-value")
                        .header(TokenAuthenticator.NARROW_HEADER, "chat").build()));
        assertEquals(Set.of(Scope.CHAT), narrowed.principal().scopes());
    }

    @Test
    void aTokenMayBeConfiguredAsItsSha256() {
        String hex = java.util.HexFormat.of().formatHex(Credential.sha256("hashed-token-0123456789"));
        TokenAuthenticator hashed = TokenAuthenticator.of(List.of(Credential.token("h", "sha256:" + hex, Role.OPERATOR)));
        assertInstanceOf(AuthResult.Authenticated.class, hashed.authenticate(
                HttpRequest.builder().header("Authorization", "Bearer hashed-token-0123456789").build()));
        assertInstanceOf(AuthResult.Rejected.class, hashed.authenticate(
                HttpRequest.builder().header("Authorization", "Bearer sha256:" + hex).build()), "the digest is not the token");
        assertEquals("sha256: 3 hex digits (expected: 64)", assertThrows(IllegalArgumentException.class,
                () -> Credential.token("h", "sha256:abc", Role.OPERATOR)).getMessage());
    }

    @Test
    void comparisonCopesWithAnyLengthAndNonAscii() {
        for (String presented : new String[] {"x", "s3cret-token-value2", "s3cret-token-välue", "🔑".repeat(500),
                "a".repeat(100_000), "s3cret-token-valu"}) {
            assertInstanceOf(AuthResult.Rejected.class, with("Authorization", "Bearer " + presented));
        }
    }

    @Test
    void passwordsAreOperatorsAndMustNotBeEmpty() {
        TokenAuthenticator pw = TokenAuthenticator.of(List.of(Credential.password("correct horse")));
        AuthResult.Authenticated a = assertInstanceOf(AuthResult.Authenticated.class, pw.authenticate(
                HttpRequest.builder().header("Authorization", "Bearer correct horse").build()));
        assertEquals("password", a.principal().id());
        assertEquals("password: empty (expected: a password; or use auth.mode token)",
                assertThrows(IllegalArgumentException.class, () -> Credential.password(" ")).getMessage());
    }
}
