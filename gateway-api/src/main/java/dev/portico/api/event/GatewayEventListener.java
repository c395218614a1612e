package dev.portico.api.event;

/** Receives gateway events. Called on the thread that published the event: return quickly. */
@FunctionalInterface
public interface GatewayEventListener {
    /**
     * An event happened.
     *
     * @param event the event
     */
    void onEvent(GatewayEvent event);
}
