/** Expo receipts: whether Apple or Google took each accepted push, fetched once it is due. */
package io.pushpipe.notificationservice.receipt;
