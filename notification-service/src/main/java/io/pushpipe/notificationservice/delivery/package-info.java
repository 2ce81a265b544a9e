/**
 * Delivery: consuming {@code MessageSent} in batches, what each notification says, the delivery ledger
 * that makes redeliveries and replays safe, dead letters, and pausing while Expo is down.
 */
package io.pushpipe.notificationservice.delivery;
