/** Example: a channel of one's own, a push-notification topic, plugged into an embedded gateway. */
package dev.portico.examples.customchannel;
