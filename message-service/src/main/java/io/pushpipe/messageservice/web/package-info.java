/** HTTP concerns shared by every endpoint: problem details for errors and the request size limit. */
package io.pushpipe.messageservice.web;
