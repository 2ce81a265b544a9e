/**
 * The contract between pushpipe's services: the {@link io.pushpipe.common.MessageSent} event, its JSON
 * codec, and the topic and header names. No Spring, no helpers: only what both sides must agree on.
 */
package io.pushpipe.common;
