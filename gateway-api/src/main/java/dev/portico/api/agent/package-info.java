/**
 * The agent contract: an {@link dev.portico.api.agent.Agent} runs one turn of a conversation and
 * reports {@link dev.portico.api.agent.AgentEvent}s as it goes.
 */
package dev.portico.api.agent;
