package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.api.channel.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The HMAC schemes of {@link WebhookSignatures} (Slack, GitHub's {@code X-Hub-Signature-256},
 * Standard Webhooks {@code v1}) against the published vectors of
 * {@code /work/shared/vectors/webhook-signatures.json}, and the ways a request fails them.
 */
class WebhookSignaturesHmacTest {
    private static final Duration WINDOW = WebhookSignatures.DEFAULT_WINDOW;

    // Vector "slack_official".
    private static final byte[] SLACK_SECRET = utf8("8f742231b10e8888abcd99yyyzzz85a5");
    private static final String SLACK_TIMESTAMP = "1531420618";
    private static final byte[] SLACK_BODY = utf8("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J"
            + "&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA"
            + "&user_name=roadrunner&command=%2Fwebhook-collect&text="
            + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
    private static final String SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    // Vector "slack_derived_negative".
    private static final String SLACK_NEXT_TIMESTAMP = "1531420619";
    private static final String SLACK_NEXT_SIGNATURE =
            "v0=ffbf8ca586db401fa71716579fba59aea718787d68572406a7236da28a871144";

    // Vector "github_official".
    private static final byte[] GITHUB_SECRET = utf8("It's a Secret to Everybody");
    private static final byte[] GITHUB_PAYLOAD = utf8("Hello, World!");
    private static final String GITHUB_SIGNATURE =
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    private static final String GITHUB_HEX = GITHUB_SIGNATURE.substring("sha256=".length());

    // Vector "standard_webhooks_v1".
    private static final String STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String STANDARD_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long STANDARD_TIMESTAMP = 1614265330L;
    private static final byte[] STANDARD_PAYLOAD = utf8("{\"test\": 2432232314}");
    private static final String STANDARD_EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final String STANDARD_KNOWN_INVALID = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

    // --- slack_official and slack_derived_negative

    @Test
    void slackOfficialSignatureVerifiesAtItsTimestamp() {
        assertDoesNotThrow(() -> slack(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, at(SLACK_TIMESTAMP)));
    }

    @Test
    void slackHeaderComputesTheOfficialSignature() {
        assertEquals(SLACK_SIGNATURE, WebhookSignatures.slackHeader(SLACK_SECRET, SLACK_TIMESTAMP, SLACK_BODY));
    }

    @Test
    void slackOfficialSignaturePresentedWithTheNextSecondIsInvalid() {
        expect(Reason.INVALID_SIGNATURE,
                () -> slack(SLACK_NEXT_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, at(SLACK_TIMESTAMP)));
    }

    @Test
    void slackDerivedSignatureForTheNextSecondVerifiesAndIsComputed() {
        assertDoesNotThrow(() -> slack(SLACK_NEXT_TIMESTAMP, SLACK_NEXT_SIGNATURE, SLACK_BODY, at(SLACK_TIMESTAMP)));
        assertEquals(SLACK_NEXT_SIGNATURE,
                WebhookSignatures.slackHeader(SLACK_SECRET, SLACK_NEXT_TIMESTAMP, SLACK_BODY));
    }

    @Test
    void slackWithoutTimestampOrSignatureIsMissing() {
        Clock clock = at(SLACK_TIMESTAMP);
        WebhookVerificationException noTimestamp = expect(Reason.MISSING_SIGNATURE, () -> WebhookSignatures.slack(
                SLACK_SECRET, Optional.empty(), Optional.of(SLACK_SIGNATURE), SLACK_BODY, clock, WINDOW));
        assertEquals("X-Slack-Request-Timestamp: required", noTimestamp.getMessage());
        WebhookVerificationException noSignature = expect(Reason.MISSING_SIGNATURE, () -> WebhookSignatures.slack(
                SLACK_SECRET, Optional.of(SLACK_TIMESTAMP), Optional.empty(), SLACK_BODY, clock, WINDOW));
        assertEquals("X-Slack-Signature: required", noSignature.getMessage());
        expect(Reason.MISSING_SIGNATURE, () -> slack(SLACK_TIMESTAMP, "  ", SLACK_BODY, clock));
    }

    @Test
    void slackTimestamp300SecondsOffEitherWayIsAccepted() {
        long ts = Long.parseLong(SLACK_TIMESTAMP);
        assertDoesNotThrow(() -> slack(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, at(ts + 300)));
        assertDoesNotThrow(() -> slack(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, at(ts - 300)));
    }

    @Test
    void slackTimestamp301SecondsOffEitherWayIsStale() {
        long ts = Long.parseLong(SLACK_TIMESTAMP);
        WebhookVerificationException old = expect(Reason.STALE_SIGNATURE,
                () -> slack(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, at(ts + 301)));
        assertEquals("timestamp: 301 s from now (expected: within 300 s)", old.getMessage());
        WebhookVerificationException future = expect(Reason.STALE_SIGNATURE,
                () -> slack(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, at(ts - 301)));
        assertEquals("timestamp: -301 s from now (expected: within 300 s)", future.getMessage());
    }

    @Test
    void slackStaleTimestampIsRejectedEvenWhenTheSignatureIsWrong() {
        long ts = Long.parseLong(SLACK_TIMESTAMP);
        expect(Reason.STALE_SIGNATURE, () -> slack(SLACK_TIMESTAMP, "v0=00", SLACK_BODY, at(ts + 3600)));
    }

    @Test
    void slackTimestampWhoseDistanceOverflowsIsStaleNotAccepted() {
        // now - ts == Long.MIN_VALUE, whose absolute value is negative: a naive |now - ts| check passes it.
        long now = Long.parseLong(SLACK_TIMESTAMP);
        String ts = Long.toString(now + Long.MIN_VALUE);
        String signed = WebhookSignatures.slackHeader(SLACK_SECRET, ts, SLACK_BODY);
        WebhookVerificationException e = expect(Reason.STALE_SIGNATURE, () -> slack(ts, signed, SLACK_BODY, at(now)));
        assertEquals("timestamp: out of range (expected: within 300 s)", e.getMessage());
    }

    @Test
    void slackTamperedBodyIsInvalid() {
        byte[] tampered = SLACK_BODY.clone();
        tampered[tampered.length - 1] ^= 1;
        WebhookVerificationException e = expect(Reason.INVALID_SIGNATURE,
                () -> slack(SLACK_TIMESTAMP, SLACK_SIGNATURE, tampered, at(SLACK_TIMESTAMP)));
        assertEquals("the signature does not match the body", e.getMessage());
    }

    @Test
    void slackSignatureWithAnotherSecretIsInvalid() {
        expect(Reason.INVALID_SIGNATURE, () -> WebhookSignatures.slack(utf8("another secret"),
                Optional.of(SLACK_TIMESTAMP), Optional.of(SLACK_SIGNATURE), SLACK_BODY, at(SLACK_TIMESTAMP), WINDOW));
    }

    @Test
    void slackMalformedSignaturesAreInvalidNeverAnotherException() {
        Clock clock = at(SLACK_TIMESTAMP);
        String hex = SLACK_SIGNATURE.substring(3);
        for (String bad : new String[] {"v0=", "v0=zz", "v0=" + hex.substring(1), "v0=" + hex.replace('a', 'g'),
                "v0=" + hex + "00", "v1=" + hex, hex, "v0:" + hex, "v0=ü" + hex.substring(2)}) {
            WebhookVerificationException e = expect(Reason.INVALID_SIGNATURE,
                    () -> slack(SLACK_TIMESTAMP, bad, SLACK_BODY, clock));
            assertNoSecretIn(e, SLACK_SIGNATURE.substring(3));
        }
    }

    @Test
    void slackNonNumericTimestampIsInvalid() {
        for (String bad : new String[] {"abc", "1531420618.5", "0x5b4792ca", "1e9"}) {
            WebhookVerificationException e = expect(Reason.INVALID_SIGNATURE,
                    () -> slack(bad, SLACK_SIGNATURE, SLACK_BODY, at(SLACK_TIMESTAMP)));
            assertEquals("timestamp: not a number of seconds", e.getMessage());
        }
    }

    // --- github_official

    @Test
    void githubOfficialSignatureVerifiesWithItsPrefix() {
        assertDoesNotThrow(() -> WebhookSignatures.hubSha256(GITHUB_SECRET, Optional.of(GITHUB_SIGNATURE),
                GITHUB_PAYLOAD));
    }

    @Test
    void githubOfficialSignatureVerifiesAsBareHex() {
        assertDoesNotThrow(() -> WebhookSignatures.hubSha256(GITHUB_SECRET, Optional.of(GITHUB_HEX), GITHUB_PAYLOAD));
    }

    @Test
    void hubSha256HeaderComputesTheOfficialSignature() {
        assertEquals(GITHUB_SIGNATURE, WebhookSignatures.hubSha256Header(GITHUB_SECRET, GITHUB_PAYLOAD));
    }

    @Test
    void hubSignatureAbsentOrBlankIsMissing() {
        expect(Reason.MISSING_SIGNATURE,
                () -> WebhookSignatures.hubSha256(GITHUB_SECRET, Optional.empty(), GITHUB_PAYLOAD));
        expect(Reason.MISSING_SIGNATURE,
                () -> WebhookSignatures.hubSha256(GITHUB_SECRET, Optional.of(""), GITHUB_PAYLOAD));
    }

    @Test
    void hubTamperedBodyIsInvalid() {
        expect(Reason.INVALID_SIGNATURE, () -> WebhookSignatures.hubSha256(GITHUB_SECRET,
                Optional.of(GITHUB_SIGNATURE), utf8("Hello, World?")));
    }

    @Test
    void hubSignatureWithAnotherSecretIsInvalid() {
        expect(Reason.INVALID_SIGNATURE, () -> WebhookSignatures.hubSha256(utf8("It's a secret to everybody"),
                Optional.of(GITHUB_SIGNATURE), GITHUB_PAYLOAD));
    }

    @Test
    void hubMalformedSignaturesAreInvalidNeverAnotherException() {
        for (String bad : new String[] {"sha256=", "sha256=xyz", "sha256=" + GITHUB_HEX.substring(1),
                "sha256=" + GITHUB_HEX.replace('7', 'z'), "sha256=" + GITHUB_HEX.substring(2), "sha1=" + GITHUB_HEX,
                "sha256 =" + GITHUB_HEX, "sha256=" + GITHUB_HEX + "é"}) {
            WebhookVerificationException e = expect(Reason.INVALID_SIGNATURE,
                    () -> WebhookSignatures.hubSha256(GITHUB_SECRET, Optional.of(bad), GITHUB_PAYLOAD));
            assertNoSecretIn(e, GITHUB_HEX);
        }
    }

    // --- standard_webhooks_v1

    @Test
    void standardWebhooksExpectedSignatureVerifies() {
        assertDoesNotThrow(() -> standard(STANDARD_EXPECTED, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP)));
    }

    @Test
    void standardWebhooksKnownInvalidSignatureIsInvalid() {
        WebhookVerificationException e = expect(Reason.INVALID_SIGNATURE,
                () -> standard(STANDARD_KNOWN_INVALID, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP)));
        assertEquals("no signature matches the body", e.getMessage());
    }

    @Test
    void standardWebhooksOneMatchingSignatureAmongSeveralIsEnough() {
        String header = STANDARD_KNOWN_INVALID + " " + STANDARD_EXPECTED + " v1,bm90IHRoaXMgb25l";
        assertDoesNotThrow(() -> standard(header, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP)));
        String withOtherSchemes = "v1a,AAAA v2,zzz " + STANDARD_EXPECTED;
        assertDoesNotThrow(() -> standard(withOtherSchemes, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP)));
    }

    @Test
    void standardWebhooksHeaderComputesTheExpectedSignature() {
        assertEquals(STANDARD_EXPECTED, WebhookSignatures.standardWebhooksHeader(STANDARD_SECRET, STANDARD_ID,
                STANDARD_TIMESTAMP, STANDARD_PAYLOAD));
    }

    @Test
    void standardWebhooksBareBase64SecretIsTakenAsWhsec() {
        String bare = STANDARD_SECRET.substring("whsec_".length());
        assertDoesNotThrow(() -> WebhookSignatures.standardWebhooks(bare, Optional.of(STANDARD_ID),
                Optional.of(Long.toString(STANDARD_TIMESTAMP)), Optional.of(STANDARD_EXPECTED), STANDARD_PAYLOAD,
                at(STANDARD_TIMESTAMP), WINDOW));
    }

    @Test
    void standardWebhooksWithoutAnyOfItsThreeHeadersIsMissing() {
        Clock clock = at(STANDARD_TIMESTAMP);
        Optional<String> id = Optional.of(STANDARD_ID);
        Optional<String> ts = Optional.of(Long.toString(STANDARD_TIMESTAMP));
        Optional<String> sig = Optional.of(STANDARD_EXPECTED);
        assertEquals("webhook-id: required", expect(Reason.MISSING_SIGNATURE, () -> WebhookSignatures.standardWebhooks(
                STANDARD_SECRET, Optional.empty(), ts, sig, STANDARD_PAYLOAD, clock, WINDOW)).getMessage());
        assertEquals("webhook-timestamp: required", expect(Reason.MISSING_SIGNATURE,
                () -> WebhookSignatures.standardWebhooks(STANDARD_SECRET, id, Optional.empty(), sig, STANDARD_PAYLOAD,
                        clock, WINDOW)).getMessage());
        assertEquals("webhook-signature: required", expect(Reason.MISSING_SIGNATURE,
                () -> WebhookSignatures.standardWebhooks(STANDARD_SECRET, id, ts, Optional.empty(), STANDARD_PAYLOAD,
                        clock, WINDOW)).getMessage());
    }

    @Test
    void standardWebhooksTimestamp300SecondsOffEitherWayIsAccepted() {
        assertDoesNotThrow(() -> standard(STANDARD_EXPECTED, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP + 300)));
        assertDoesNotThrow(() -> standard(STANDARD_EXPECTED, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP - 300)));
    }

    @Test
    void standardWebhooksTimestamp301SecondsOffEitherWayIsStale() {
        expect(Reason.STALE_SIGNATURE, () -> standard(STANDARD_EXPECTED, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP + 301)));
        expect(Reason.STALE_SIGNATURE, () -> standard(STANDARD_EXPECTED, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP - 301)));
    }

    @Test
    void standardWebhooksTamperedBodyIsInvalid() {
        expect(Reason.INVALID_SIGNATURE,
                () -> standard(STANDARD_EXPECTED, utf8("{\"test\": 2432232315}"), at(STANDARD_TIMESTAMP)));
    }

    @Test
    void standardWebhooksSignatureOverAnotherIdIsInvalid() {
        expect(Reason.INVALID_SIGNATURE, () -> WebhookSignatures.standardWebhooks(STANDARD_SECRET,
                Optional.of("msg_another"), Optional.of(Long.toString(STANDARD_TIMESTAMP)),
                Optional.of(STANDARD_EXPECTED), STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP), WINDOW));
    }

    @Test
    void standardWebhooksMalformedSignaturesAreInvalidNeverAnotherException() {
        String b64 = STANDARD_EXPECTED.substring(3);
        for (String bad : new String[] {"v1,", "v1,!!!!", "v1," + b64.substring(1), "v1", b64, ",,,",
                "v1 " + b64, "v1a," + b64, "v1,ä" + b64.substring(2)}) {
            WebhookVerificationException e = expect(Reason.INVALID_SIGNATURE,
                    () -> standard(bad, STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP)));
            assertNoSecretIn(e, b64);
        }
    }

    @Test
    void standardWebhooksNonNumericTimestampIsInvalid() {
        WebhookVerificationException e = expect(Reason.INVALID_SIGNATURE,
                () -> WebhookSignatures.standardWebhooks(STANDARD_SECRET, Optional.of(STANDARD_ID),
                        Optional.of("2021-02-25T15:02:10Z"), Optional.of(STANDARD_EXPECTED), STANDARD_PAYLOAD,
                        at(STANDARD_TIMESTAMP), WINDOW));
        assertEquals("timestamp: not a number of seconds", e.getMessage());
    }

    @Test
    void standardWebhooksV1SignatureDoesNotSatisfyAPublicKey() {
        // A whpk_ key accepts only v1a (Ed25519) signatures: an HMAC one, even a correct one, is not enough.
        WebhookVerificationException e = expect(Reason.INVALID_SIGNATURE,
                () -> WebhookSignatures.standardWebhooks("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=",
                        Optional.of(STANDARD_ID), Optional.of(Long.toString(STANDARD_TIMESTAMP)),
                        Optional.of(STANDARD_EXPECTED), STANDARD_PAYLOAD, at(STANDARD_TIMESTAMP), WINDOW));
        assertEquals("webhook-signature: no v1a signature (expected: v1a,<base64>)", e.getMessage());
    }

    // --- helpers

    private static void slack(String timestamp, String signature, byte[] body, Clock clock)
            throws WebhookVerificationException {
        WebhookSignatures.slack(SLACK_SECRET, Optional.of(timestamp), Optional.of(signature), body, clock, WINDOW);
    }

    private static void standard(String signatures, byte[] body, Clock clock) throws WebhookVerificationException {
        WebhookSignatures.standardWebhooks(STANDARD_SECRET, Optional.of(STANDARD_ID),
                Optional.of(Long.toString(STANDARD_TIMESTAMP)), Optional.of(signatures), body, clock, WINDOW);
    }

    private static WebhookVerificationException expect(Reason reason, Executable check) {
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class, check);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    private static void assertNoSecretIn(WebhookVerificationException e, String expectedSignature) {
        assertFalse(e.getMessage().contains(expectedSignature), e.getMessage());
    }

    private static Clock at(String epochSeconds) {
        return at(Long.parseLong(epochSeconds));
    }

    private static Clock at(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
