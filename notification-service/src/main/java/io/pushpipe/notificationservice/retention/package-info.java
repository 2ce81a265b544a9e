/**
 * Retention: every table that grows with traffic is purged of rows older than {@code
 * pushpipe.retention.max-age} by the one class that owns it, in small batches.
 */
package io.pushpipe.notificationservice.retention;
