/** One command that runs the whole pipeline locally, with embedded infrastructure and the Expo sandbox. */
package io.pushpipe.localstack;
