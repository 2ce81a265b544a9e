/**
 * The naive design, the benchmark's baseline and not a product: what pushpipe replaced, rebuilt on pushpipe's
 * stack (Spring MVC, the same JWT verification and problem details) so that a comparison measures the design,
 * not the framework. One process inserts the message, answers, and then calls Expo itself.
 */
package io.pushpipe.naive;
