/** Device tokens: the registration API and the {@code push_tokens} table. */
package io.pushpipe.notificationservice.token;
