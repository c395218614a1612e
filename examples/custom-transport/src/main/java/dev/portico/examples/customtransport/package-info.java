/**
 * Example: a Portico transport written against the transport SPI on the JDK's built-in HTTP
 * server ({@link dev.portico.examples.customtransport.JdkHttpServerTransport}), proven by the
 * conformance kit ({@code gateway-tck}), and a {@link dev.portico.examples.customtransport.Main}
 * that serves a gateway on it.
 */
package dev.portico.examples.customtransport;
