/**
 * Scheduled jobs for Portico: {@link dev.portico.cron.NextRun} computes when a
 * {@link dev.portico.api.cron.Schedule} runs next, in its time zone, with a stated rule for the
 * times daylight saving time skips or repeats.
 */
package dev.portico.cron;
