/** Scheduled jobs: their schedules, as the scheduler and the API share them. */
package dev.portico.api.cron;
