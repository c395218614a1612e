/**
 * Scheduled jobs: their schedules, payloads and run records, and the {@link dev.portico.api.cron.JobStore}
 * SPI that keeps them, as the scheduler, the stores and the API share them.
 */
package dev.portico.api.cron;
