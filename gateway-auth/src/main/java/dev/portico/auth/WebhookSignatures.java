package dev.portico.auth;

import dev.portico.api.channel.WebhookVerificationException;
import dev.portico.api.channel.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the signatures chat platforms and webhook senders put on their requests. Every check
 * compares in constant time, checks a signed timestamp against a window before anything else is
 * trusted, and fails with a {@link WebhookVerificationException} whose message names what was wrong
 * but never the secret or the expected signature.
 */
public final class WebhookSignatures {
    /** The replay window of Slack and Standard Webhooks: a timestamp further off is stale. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    /** The DER prefix that turns a raw 32-byte Ed25519 public key into an X.509 key. */
    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final String HUB_PREFIX = "sha256=";
    private static final String SLACK_VERSION = "v0";
    private static final String STANDARD_SECRET_PREFIX = "whsec_";
    private static final String STANDARD_PUBLIC_PREFIX = "whpk_";

    private WebhookSignatures() {}

    /**
     * Checks an HMAC-SHA256 signature over the body, as GitHub sends it in
     * {@code X-Hub-Signature-256: sha256=<hex>}; a bare {@code <hex>} (as {@code X-Signature}
     * carries it) is accepted too.
     *
     * @param secret the shared secret
     * @param header the header's value, if present
     * @param body the raw body
     * @throws WebhookVerificationException when the header is absent or does not match
     */
    public static void hubSha256(byte[] secret, Optional<String> header, byte[] body) throws WebhookVerificationException {
        String value = present(header, "X-Hub-Signature-256");
        String hex = value.regionMatches(true, 0, HUB_PREFIX, 0, HUB_PREFIX.length())
                ? value.substring(HUB_PREFIX.length()) : value;
        byte[] presented = parseHex(hex.trim());
        if (presented == null || !MessageDigest.isEqual(hmac(secret, body), presented)) {
            throw invalid("the signature does not match the body");
        }
    }

    /**
     * The {@code X-Hub-Signature-256} value of a body, for signing outgoing requests.
     *
     * @param secret the shared secret
     * @param body the body
     * @return {@code sha256=<hex>}
     */
    public static String hubSha256Header(byte[] secret, byte[] body) {
        return HUB_PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    /**
     * Checks Slack's request signature: {@code X-Slack-Signature: v0=<hex>}, the HMAC-SHA256 of
     * {@code v0:<X-Slack-Request-Timestamp>:<body>}, with the timestamp within {@code window} of now.
     *
     * @param signingSecret the app's signing secret
     * @param timestamp the {@code X-Slack-Request-Timestamp} header
     * @param signature the {@code X-Slack-Signature} header
     * @param body the raw body
     * @param clock the clock now is read from
     * @param window how far the timestamp may be from now
     * @throws WebhookVerificationException when a header is absent, the timestamp is stale or the
     *     signature does not match
     */
    public static void slack(byte[] signingSecret, Optional<String> timestamp, Optional<String> signature, byte[] body,
            Clock clock, Duration window) throws WebhookVerificationException {
        String ts = present(timestamp, "X-Slack-Request-Timestamp");
        String sig = present(signature, "X-Slack-Signature");
        checkWindow(ts, clock, window);
        if (!sig.startsWith(SLACK_VERSION + "=")) {
            throw invalid("X-Slack-Signature: expected v0=<hex>");
        }
        byte[] presented = parseHex(sig.substring(SLACK_VERSION.length() + 1));
        if (presented == null || !MessageDigest.isEqual(hmac(signingSecret, signedContent(SLACK_VERSION + ":" + ts + ":", body)),
                presented)) {
            throw invalid("the signature does not match the body");
        }
    }

    /**
     * The {@code X-Slack-Signature} of a body at a timestamp, as Slack computes it.
     *
     * @param signingSecret the signing secret
     * @param timestamp seconds since the epoch, as sent
     * @param body the body
     * @return {@code v0=<hex>}
     */
    public static String slackHeader(byte[] signingSecret, String timestamp, byte[] body) {
        return SLACK_VERSION + "=" + HexFormat.of().formatHex(
                hmac(signingSecret, signedContent(SLACK_VERSION + ":" + timestamp + ":", body)));
    }

    /**
     * Checks a Standard Webhooks signature: {@code webhook-signature} holds one or more
     * space-separated {@code v1,<base64 HMAC-SHA256>} (with a {@code whsec_} secret) or
     * {@code v1a,<base64 Ed25519>} (with a {@code whpk_} public key) signatures of
     * {@code <webhook-id>.<webhook-timestamp>.<body>}; one that matches is enough, so a sender can
     * rotate its key. The timestamp must be within {@code window} of now.
     *
     * @param key the {@code whsec_…} secret or the {@code whpk_…} public key (a bare base64 secret
     *     is taken as a {@code whsec_} one)
     * @param id the {@code webhook-id} header
     * @param timestamp the {@code webhook-timestamp} header
     * @param signatures the {@code webhook-signature} header
     * @param body the raw body
     * @param clock the clock now is read from
     * @param window how far the timestamp may be from now
     * @throws WebhookVerificationException when a header is absent, the timestamp is stale or no
     *     signature matches
     * @throws IllegalArgumentException when the key is not valid base64 (a configuration error)
     */
    public static void standardWebhooks(String key, Optional<String> id, Optional<String> timestamp,
            Optional<String> signatures, byte[] body, Clock clock, Duration window) throws WebhookVerificationException {
        String msgId = present(id, "webhook-id");
        String ts = present(timestamp, "webhook-timestamp");
        String header = present(signatures, "webhook-signature");
        checkWindow(ts, clock, window);
        byte[] content = signedContent(msgId + "." + ts + ".", body);
        boolean asymmetric = key.startsWith(STANDARD_PUBLIC_PREFIX);
        String scheme = asymmetric ? "v1a" : "v1";
        byte[] expectedMac = asymmetric ? null : hmac(standardSecret(key), content);
        PublicKey publicKey = asymmetric ? ed25519Key(base64(key.substring(STANDARD_PUBLIC_PREFIX.length()), "key")) : null;
        boolean anyOfScheme = false;
        for (String part : header.trim().split(" +")) {
            int comma = part.indexOf(',');
            if (comma < 0 || !part.substring(0, comma).equals(scheme)) {
                continue;
            }
            anyOfScheme = true;
            byte[] presented;
            try {
                presented = Base64.getDecoder().decode(part.substring(comma + 1));
            } catch (IllegalArgumentException malformed) {
                continue;
            }
            boolean ok = asymmetric ? ed25519Valid(publicKey, presented, content) : MessageDigest.isEqual(expectedMac, presented);
            if (ok) {
                return;
            }
        }
        throw invalid(anyOfScheme ? "no signature matches the body"
                : "webhook-signature: no " + scheme + " signature (expected: " + scheme + ",<base64>)");
    }

    /**
     * The {@code webhook-signature} of a message, signed with a {@code whsec_} secret.
     *
     * @param secret the secret
     * @param id the {@code webhook-id}
     * @param timestamp the {@code webhook-timestamp}, seconds since the epoch
     * @param body the body
     * @return {@code v1,<base64>}
     */
    public static String standardWebhooksHeader(String secret, String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(standardSecret(secret),
                signedContent(id + "." + timestamp + ".", body)));
    }

    /**
     * Checks an Ed25519 signature as Discord sends it: {@code X-Signature-Ed25519} (hex) over
     * {@code X-Signature-Timestamp} followed by the body, with the timestamp within {@code window}
     * of now.
     *
     * @param publicKey the application's public key, 32 bytes
     * @param timestamp the {@code X-Signature-Timestamp} header
     * @param signature the {@code X-Signature-Ed25519} header
     * @param body the raw body
     * @param clock the clock now is read from
     * @param window how far the timestamp may be from now
     * @throws WebhookVerificationException when a header is absent, the timestamp is stale or the
     *     signature does not verify
     */
    public static void ed25519(PublicKey publicKey, Optional<String> timestamp, Optional<String> signature, byte[] body,
            Clock clock, Duration window) throws WebhookVerificationException {
        String ts = present(timestamp, "X-Signature-Timestamp");
        String sig = present(signature, "X-Signature-Ed25519");
        checkWindow(ts, clock, window);
        byte[] presented = parseHex(sig);
        if (presented == null || presented.length != 64 || !ed25519Valid(publicKey, presented, signedContent(ts, body))) {
            throw invalid("the signature does not match the body");
        }
    }

    /**
     * An Ed25519 public key from its raw 32 bytes, in hex as Discord shows it.
     *
     * @param hex 64 hex digits
     * @return the key
     * @throws IllegalArgumentException when it is not a valid key
     */
    public static PublicKey ed25519PublicKey(String hex) {
        byte[] raw = parseHex(hex.trim());
        if (raw == null || raw.length != 32) {
            throw new IllegalArgumentException("public key: expected 64 hex digits (32 bytes)");
        }
        return ed25519Key(raw);
    }

    /**
     * Compares a presented secret token with the configured one in constant time, as Telegram's
     * {@code X-Telegram-Bot-Api-Secret-Token} needs.
     *
     * @param expected the configured token
     * @param presented the header's value, if present
     * @param headerName the header, for the message
     * @throws WebhookVerificationException when it is absent or differs
     */
    public static void secretToken(String expected, Optional<String> presented, String headerName)
            throws WebhookVerificationException {
        String value = present(presented, headerName);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))) {
            throw invalid(headerName + ": does not match");
        }
    }

    private static String present(Optional<String> header, String name) throws WebhookVerificationException {
        if (header.isEmpty() || header.get().isBlank()) {
            throw new WebhookVerificationException(Reason.MISSING_SIGNATURE, name + ": required");
        }
        return header.get();
    }

    private static void checkWindow(String timestamp, Clock clock, Duration window) throws WebhookVerificationException {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw invalid("timestamp: not a number of seconds");
        }
        long now = clock.instant().getEpochSecond();
        long limit = window.toSeconds();
        // Compared as bounds, not as |now - seconds|: that difference overflows for a timestamp
        // near Long.MIN_VALUE, and Math.abs(Long.MIN_VALUE) is negative, which would pass.
        if (seconds < now - limit || seconds > now + limit) {
            String offset;
            try {
                offset = Math.subtractExact(now, seconds) + " s from now";
            } catch (ArithmeticException farOff) {
                offset = "out of range";
            }
            throw new WebhookVerificationException(Reason.STALE_SIGNATURE, "timestamp: " + offset
                    + " (expected: within " + limit + " s)");
        }
    }

    private static WebhookVerificationException invalid(String message) {
        return new WebhookVerificationException(Reason.INVALID_SIGNATURE, message);
    }

    private static byte[] standardSecret(String key) {
        String b64 = key.startsWith(STANDARD_SECRET_PREFIX) ? key.substring(STANDARD_SECRET_PREFIX.length()) : key;
        return base64(b64, "secret");
    }

    private static byte[] base64(String value, String what) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": not valid base64");
        }
    }

    private static byte[] signedContent(String prefix, byte[] body) {
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    private static byte[] hmac(byte[] secret, byte[] content) {
        try {
            if (secret.length == 0) {
                throw new IllegalArgumentException("secret: empty (a webhook secret is required)");
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static PublicKey ed25519Key(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("public key: expected 32 bytes, got " + raw.length);
        }
        byte[] der = new byte[ED25519_X509_PREFIX.length + raw.length];
        System.arraycopy(ED25519_X509_PREFIX, 0, der, 0, ED25519_X509_PREFIX.length);
        System.arraycopy(raw, 0, der, ED25519_X509_PREFIX.length, raw.length);
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            // The key factory takes any 32 bytes; a verifier decodes the point, so 32 bytes that are
            // not a point of the curve are refused here, with the configuration, not on a request.
            Signature.getInstance("Ed25519").initVerify(key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("public key: not a valid Ed25519 key");
        }
    }

    private static boolean ed25519Valid(PublicKey key, byte[] signature, byte[] content) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(content);
            return verifier.verify(signature);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("public key: not an Ed25519 key", e);
        } catch (GeneralSecurityException e) {
            // A malformed signature (wrong length, not a curve point) is simply not valid.
            return false;
        }
    }

    /** Hex digits to bytes; null when malformed (an attacker's input is never an exception). */
    private static byte[] parseHex(String hex) {
        if (hex.isEmpty() || hex.length() % 2 != 0) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
