/** gRPC server. */
package io.leadmatch.server;
