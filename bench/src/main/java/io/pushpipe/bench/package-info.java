/**
 * The benchmark: starts the pipeline the way it is deployed (each service its own JVM) on embedded PostgreSQL
 * and Kafka with the Expo sandbox, drives the scenarios of the README's Performance section, and writes the
 * table as Markdown and JSON. Run by {@code ./pushpipe-bench}.
 */
package io.pushpipe.bench;
