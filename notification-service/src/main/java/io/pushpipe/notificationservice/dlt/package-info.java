/**
 * The dead-letter topic for developers: listing and reading {@code message-sent-dlt} without joining the
 * consumer group, and replaying chosen records, recorded in {@code dlt_replays}.
 */
package io.pushpipe.notificationservice.dlt;
