/** Gateway events: what happened, for listeners inside the process and for event streams. */
package dev.portico.api.event;
