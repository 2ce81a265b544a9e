/** Real infrastructure for integration tests: a shared PostgreSQL and Kafka broker, and a topic reader. */
package io.pushpipe.testsupport;
