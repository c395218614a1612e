package dev.portico.api.transport;

/** The WebSocket close codes Portico uses (RFC 6455 section 7.4.1). */
public final class WebSocketCloseCodes {
    /** Normal closure. */
    public static final int NORMAL = 1000;
    /** The server is going away (shutting down). */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** The peer sent a kind of data that is not accepted (binary messages, for example). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** No close code was present (never sent, only reported). */
    public static final int NO_STATUS = 1005;
    /** The connection dropped without a close frame (never sent, only reported). */
    public static final int ABNORMAL = 1006;
    /** A text message was not valid UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** The peer broke a policy, for example by reading too slowly. */
    public static final int POLICY_VIOLATION = 1008;
    /** A message was larger than the limit. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The server failed unexpectedly. */
    public static final int INTERNAL_ERROR = 1011;

    private WebSocketCloseCodes() {}
}
