package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.api.channel.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The Ed25519 checks of {@link WebhookSignatures} (Discord's interactions and Standard Webhooks'
 * {@code v1a}) and the secret-token comparison, against the published vectors of
 * {@code webhook-signatures.json}.
 */
class WebhookSignaturesEd25519Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final Duration WINDOW = WebhookSignatures.DEFAULT_WINDOW;

    // rfc8032_test1
    private static final String TEST1_PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String TEST1_MESSAGE_HEX = "";
    private static final String TEST1_SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    // rfc8032_test2
    private static final String TEST2_PUBLIC_KEY = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    private static final String TEST2_MESSAGE_HEX = "72";
    private static final String TEST2_SIGNATURE = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    // discord_style_derived
    private static final String DISCORD_PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String DISCORD_TIMESTAMP = "1700000000";
    private static final String DISCORD_BODY = "{\"type\":1}";
    private static final String DISCORD_SIGNATURE = "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f";

    // standard_webhooks_v1a
    private static final String V1A_PUBLIC_KEY = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
    private static final String V1A_MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long V1A_TIMESTAMP = 1614265330L;
    private static final String V1A_PAYLOAD = "{\"test\": 2432232314}";
    private static final String V1A_EXPECTED = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";

    // standard_webhooks_v1: a v1 (HMAC) signature over the same message, for presenting to a whpk_ key
    private static final String V1_EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final PublicKey DISCORD_KEY = WebhookSignatures.ed25519PublicKey(DISCORD_PUBLIC_KEY);
    private static final Clock AT_DISCORD_TIMESTAMP = at(Long.parseLong(DISCORD_TIMESTAMP));
    private static final Clock AT_V1A_TIMESTAMP = at(V1A_TIMESTAMP);

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    private static boolean jdkVerifies(String publicKeyHex, String messageHex, String signatureHex) throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(WebhookSignatures.ed25519PublicKey(publicKeyHex));
        verifier.update(HEX.parseHex(messageHex));
        try {
            return verifier.verify(HEX.parseHex(signatureHex));
        } catch (SignatureException notAPoint) {
            return false;
        }
    }

    /** The hex text with the lowest bit of the digit at {@code index} flipped. */
    private static String flipDigit(String hex, int index) {
        int digit = Character.digit(hex.charAt(index), 16) ^ 1;
        return hex.substring(0, index) + Character.forDigit(digit, 16) + hex.substring(index + 1);
    }

    private static Reason reasonOf(Executable check) {
        return assertThrows(WebhookVerificationException.class, check).reason();
    }

    private static void discord(String timestamp, String signature, String body, Clock clock) throws Exception {
        WebhookSignatures.ed25519(DISCORD_KEY, Optional.ofNullable(timestamp), Optional.ofNullable(signature),
                body.getBytes(StandardCharsets.UTF_8), clock, WINDOW);
    }

    private static void v1a(String key, String signatures, String payload, Clock clock) throws Exception {
        WebhookSignatures.standardWebhooks(key, Optional.of(V1A_MSG_ID), Optional.of(String.valueOf(V1A_TIMESTAMP)),
                Optional.of(signatures), payload.getBytes(StandardCharsets.UTF_8), clock, WINDOW);
    }

    @Test
    void rfc8032Test1VerifiesWithTheDecodedKeyAndAFlippedBitDoesNot() throws Exception {
        assertTrue(jdkVerifies(TEST1_PUBLIC_KEY, TEST1_MESSAGE_HEX, TEST1_SIGNATURE));
        assertFalse(jdkVerifies(TEST1_PUBLIC_KEY, TEST1_MESSAGE_HEX, flipDigit(TEST1_SIGNATURE, 10)));
        assertFalse(jdkVerifies(TEST1_PUBLIC_KEY, "00", TEST1_SIGNATURE), "a message that is not the empty one");
        assertFalse(jdkVerifies(TEST2_PUBLIC_KEY, TEST1_MESSAGE_HEX, TEST1_SIGNATURE), "another key");
    }

    @Test
    void rfc8032Test2VerifiesWithTheDecodedKeyAndAFlippedBitDoesNot() throws Exception {
        assertTrue(jdkVerifies(TEST2_PUBLIC_KEY, TEST2_MESSAGE_HEX, TEST2_SIGNATURE));
        assertFalse(jdkVerifies(TEST2_PUBLIC_KEY, TEST2_MESSAGE_HEX, flipDigit(TEST2_SIGNATURE, 127)));
        assertFalse(jdkVerifies(TEST2_PUBLIC_KEY, flipDigit(TEST2_MESSAGE_HEX, 1), TEST2_SIGNATURE));
        assertFalse(jdkVerifies(TEST1_PUBLIC_KEY, TEST2_MESSAGE_HEX, TEST2_SIGNATURE), "another key");
    }

    @Test
    void aPublicKeyInUpperCaseOrWithSpacesAroundIsTheSameKey() {
        assertEquals(DISCORD_KEY, WebhookSignatures.ed25519PublicKey(" " + DISCORD_PUBLIC_KEY.toUpperCase() + "\n"));
    }

    @Test
    void aPublicKeyOfTheWrongLengthOrNotHexIsAConfigurationError() {
        for (String bad : new String[] {"", DISCORD_PUBLIC_KEY.substring(2), DISCORD_PUBLIC_KEY + "00",
                DISCORD_PUBLIC_KEY.substring(1), "zz" + DISCORD_PUBLIC_KEY.substring(2),
                "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g="}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WebhookSignatures.ed25519PublicKey(bad), bad);
            assertTrue(e.getMessage().startsWith("public key: "), e.getMessage());
        }
    }

    @Test
    void aPublicKeyThatIsNotAPointOfTheCurveIsAConfigurationError() {
        String notAPoint = flipDigit(TEST2_PUBLIC_KEY, 63);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebhookSignatures.ed25519PublicKey(notAPoint));
        assertEquals("public key: not a valid Ed25519 key", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebhookSignatures.standardWebhooks(
                "whpk_" + java.util.Base64.getEncoder().encodeToString(HEX.parseHex(notAPoint)), Optional.of(V1A_MSG_ID),
                Optional.of(String.valueOf(V1A_TIMESTAMP)), Optional.of(V1A_EXPECTED),
                V1A_PAYLOAD.getBytes(StandardCharsets.UTF_8), AT_V1A_TIMESTAMP, WINDOW));
    }

    @Test
    void theDiscordVectorVerifiesAtItsTimestamp() {
        assertDoesNotThrow(() -> discord(DISCORD_TIMESTAMP, DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP));
        assertDoesNotThrow(() -> discord(DISCORD_TIMESTAMP, DISCORD_SIGNATURE.toUpperCase(), DISCORD_BODY,
                AT_DISCORD_TIMESTAMP), "hex digits in either case");
    }

    @Test
    void theDiscordVectorVerifiesUpToTheEdgeOfTheWindowAndIsStaleBeyondIt() throws Exception {
        long ts = Long.parseLong(DISCORD_TIMESTAMP);
        assertDoesNotThrow(() -> discord(DISCORD_TIMESTAMP, DISCORD_SIGNATURE, DISCORD_BODY, at(ts + 300)));
        assertDoesNotThrow(() -> discord(DISCORD_TIMESTAMP, DISCORD_SIGNATURE, DISCORD_BODY, at(ts - 300)));
        WebhookVerificationException late = assertThrows(WebhookVerificationException.class,
                () -> discord(DISCORD_TIMESTAMP, DISCORD_SIGNATURE, DISCORD_BODY, at(ts + 301)));
        assertEquals(Reason.STALE_SIGNATURE, late.reason());
        assertEquals("timestamp: 301 s from now (expected: within 300 s)", late.getMessage());
        assertEquals(Reason.STALE_SIGNATURE,
                reasonOf(() -> discord(DISCORD_TIMESTAMP, DISCORD_SIGNATURE, DISCORD_BODY, at(ts - 301))),
                "a timestamp in the future");
    }

    @Test
    void aFlippedDigitOfTheSignatureIsInvalid() {
        for (int i : new int[] {0, 63, 64, 127}) {
            assertEquals(Reason.INVALID_SIGNATURE, reasonOf(
                    () -> discord(DISCORD_TIMESTAMP, flipDigit(DISCORD_SIGNATURE, i), DISCORD_BODY, AT_DISCORD_TIMESTAMP)),
                    "digit " + i);
        }
    }

    @Test
    void aChangedBodyIsInvalid() {
        assertEquals(Reason.INVALID_SIGNATURE, reasonOf(
                () -> discord(DISCORD_TIMESTAMP, DISCORD_SIGNATURE, "{\"type\":2}", AT_DISCORD_TIMESTAMP)));
        assertEquals(Reason.INVALID_SIGNATURE, reasonOf(
                () -> discord(DISCORD_TIMESTAMP, DISCORD_SIGNATURE, DISCORD_BODY + " ", AT_DISCORD_TIMESTAMP)));
    }

    @Test
    void anotherTimestampIsInvalidWithinTheWindowAndStaleOutsideIt() {
        assertEquals(Reason.INVALID_SIGNATURE, reasonOf(
                () -> discord("1700000001", DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP)));
        assertEquals(Reason.STALE_SIGNATURE, reasonOf(
                () -> discord("1699990000", DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP)));
        assertEquals(Reason.INVALID_SIGNATURE, reasonOf(
                () -> discord("17e8", DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP)), "not a number");
    }

    @Test
    void aTimestampSoFarOffThatTheDifferenceOverflowsIsStale() {
        long overflowing = Long.parseLong(DISCORD_TIMESTAMP) + Long.MIN_VALUE;
        assertEquals(Reason.STALE_SIGNATURE, reasonOf(
                () -> discord(String.valueOf(overflowing), DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP)));
        assertEquals(Reason.STALE_SIGNATURE, reasonOf(
                () -> discord(String.valueOf(Long.MAX_VALUE), DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP)));
        assertEquals(Reason.STALE_SIGNATURE, reasonOf(
                () -> discord(String.valueOf(Long.MIN_VALUE), DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP)));
    }

    @Test
    void missingOrBlankHeadersAreMissingSignatures() throws Exception {
        WebhookVerificationException noTimestamp = assertThrows(WebhookVerificationException.class,
                () -> discord(null, DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP));
        assertEquals(Reason.MISSING_SIGNATURE, noTimestamp.reason());
        assertEquals("X-Signature-Timestamp: required", noTimestamp.getMessage());
        WebhookVerificationException noSignature = assertThrows(WebhookVerificationException.class,
                () -> discord(DISCORD_TIMESTAMP, null, DISCORD_BODY, AT_DISCORD_TIMESTAMP));
        assertEquals(Reason.MISSING_SIGNATURE, noSignature.reason());
        assertEquals("X-Signature-Ed25519: required", noSignature.getMessage());
        assertEquals(Reason.MISSING_SIGNATURE,
                reasonOf(() -> discord(" ", DISCORD_SIGNATURE, DISCORD_BODY, AT_DISCORD_TIMESTAMP)));
        assertEquals(Reason.MISSING_SIGNATURE,
                reasonOf(() -> discord(DISCORD_TIMESTAMP, "", DISCORD_BODY, AT_DISCORD_TIMESTAMP)));
    }

    @Test
    void aSignatureThatIsNotHexOrNotSixtyFourBytesIsInvalidAndNothingElse() {
        String[] malformed = {
            "zz" + DISCORD_SIGNATURE.substring(2),
            DISCORD_SIGNATURE.substring(1),
            DISCORD_SIGNATURE.substring(2),
            DISCORD_SIGNATURE + "00",
            "00",
            "0".repeat(128),
            "f".repeat(128),
            " " + DISCORD_SIGNATURE,
            "0x" + DISCORD_SIGNATURE.substring(2),
        };
        for (String signature : malformed) {
            assertEquals(Reason.INVALID_SIGNATURE,
                    reasonOf(() -> discord(DISCORD_TIMESTAMP, signature, DISCORD_BODY, AT_DISCORD_TIMESTAMP)), signature);
        }
    }

    @Test
    void theStandardWebhooksV1aVectorVerifies() {
        assertDoesNotThrow(() -> v1a(V1A_PUBLIC_KEY, V1A_EXPECTED, V1A_PAYLOAD, AT_V1A_TIMESTAMP));
    }

    @Test
    void aV1aSignatureAmongOthersIsEnough() {
        assertDoesNotThrow(() -> v1a(V1A_PUBLIC_KEY, V1_EXPECTED + " v1a,AAAA " + V1A_EXPECTED, V1A_PAYLOAD,
                AT_V1A_TIMESTAMP));
    }

    @Test
    void aTamperedV1aMessageOrSignatureIsInvalid() {
        assertEquals(Reason.INVALID_SIGNATURE,
                reasonOf(() -> v1a(V1A_PUBLIC_KEY, V1A_EXPECTED, "{\"test\": 2432232315}", AT_V1A_TIMESTAMP)));
        String tampered = "v1a,u" + V1A_EXPECTED.substring(5);
        assertEquals(Reason.INVALID_SIGNATURE,
                reasonOf(() -> v1a(V1A_PUBLIC_KEY, tampered, V1A_PAYLOAD, AT_V1A_TIMESTAMP)));
        assertEquals(Reason.INVALID_SIGNATURE,
                reasonOf(() -> v1a(V1A_PUBLIC_KEY, "v1a,not*base64", V1A_PAYLOAD, AT_V1A_TIMESTAMP)));
        assertEquals(Reason.INVALID_SIGNATURE,
                reasonOf(() -> v1a(V1A_PUBLIC_KEY, "v1a,AAAA", V1A_PAYLOAD, AT_V1A_TIMESTAMP)), "too short");
    }

    @Test
    void aV1SignatureIsNotAcceptedForAPublicKey() {
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                () -> v1a(V1A_PUBLIC_KEY, V1_EXPECTED, V1A_PAYLOAD, AT_V1A_TIMESTAMP));
        assertEquals(Reason.INVALID_SIGNATURE, e.reason());
        assertEquals("webhook-signature: no v1a signature (expected: v1a,<base64>)", e.getMessage());
    }

    @Test
    void theV1aVectorIsStaleFiveMinutesAndOneSecondLater() {
        assertEquals(Reason.STALE_SIGNATURE,
                reasonOf(() -> v1a(V1A_PUBLIC_KEY, V1A_EXPECTED, V1A_PAYLOAD, at(V1A_TIMESTAMP + 301))));
    }

    @Test
    void anEqualSecretTokenPasses() {
        assertDoesNotThrow(() -> WebhookSignatures.secretToken("s3cret-Token_1", Optional.of("s3cret-Token_1"),
                "X-Telegram-Bot-Api-Secret-Token"));
    }

    @Test
    void aDifferentSecretTokenIsInvalidAndNotRepeated() {
        for (String presented : new String[] {"s3cret-Token_2", "s3cret-Token_1x", "s3cret", "S3CRET-TOKEN_1"}) {
            WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                    () -> WebhookSignatures.secretToken("s3cret-Token_1", Optional.of(presented),
                            "X-Telegram-Bot-Api-Secret-Token"), presented);
            assertEquals(Reason.INVALID_SIGNATURE, e.reason());
            assertEquals("X-Telegram-Bot-Api-Secret-Token: does not match", e.getMessage());
        }
    }

    @Test
    void anAbsentOrBlankSecretTokenIsMissing() {
        for (Optional<String> presented : java.util.List.of(Optional.<String>empty(), Optional.of(""), Optional.of("  "))) {
            WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
                    () -> WebhookSignatures.secretToken("s3cret-Token_1", presented, "X-Telegram-Bot-Api-Secret-Token"));
            assertEquals(Reason.MISSING_SIGNATURE, e.reason());
            assertEquals("X-Telegram-Bot-Api-Secret-Token: required", e.getMessage());
        }
    }
}
