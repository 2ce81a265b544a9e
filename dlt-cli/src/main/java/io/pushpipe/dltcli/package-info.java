/** The {@code pushpipe-dlt} command line for developers. */
package io.pushpipe.dltcli;
