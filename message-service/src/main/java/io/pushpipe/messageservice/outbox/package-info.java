/**
 * The transactional outbox: events are written with the change they announce and published to Kafka by
 * a single active relay, in order, in batches.
 */
package io.pushpipe.messageservice.outbox;
