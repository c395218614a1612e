/** An application that embeds Portico with its own agent. */
package dev.portico.examples.embedded;
