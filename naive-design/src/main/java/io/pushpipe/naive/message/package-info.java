/**
 * Messages the naive way: the portal's {@code POST /message/send-message} stores the message in {@code
 * naive.messages}, answers, and leaves the push to a background pool that reads the receiver's tokens from
 * notification-service's table and sends them to Expo in one request, once: no outbox, no retry, no rate
 * limit, nothing recorded.
 */
package io.pushpipe.naive.message;
