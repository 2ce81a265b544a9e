/**
 * pushpipe's topics, defined once for both services ({@code pushpipe.topics.*}), and their provisioning
 * the way real clusters need it: described before anything is created, created only when missing, never
 * changed, and not touched at all when a platform team owns them.
 */
package io.pushpipe.topics;
