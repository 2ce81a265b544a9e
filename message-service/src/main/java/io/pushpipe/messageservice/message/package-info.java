/** Messages: the portal's HTTP API and the {@code messages} table. */
package io.pushpipe.messageservice.message;
