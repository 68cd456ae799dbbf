package io.leadmatch.server;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;

/**
 * Requires {@code authorization: Bearer <token>} on every call of the service it wraps. No header, or one that is not
 * a bearer token: {@code UNAUTHENTICATED}; a bearer token that is not the configured one: {@code PERMISSION_DENIED}.
 * A call on a connection whose client presented a certificate the listener's client CA accepts needs no token: the
 * certificate is the credential.
 */
final class BearerAuth implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final Credential token;
    private final boolean acceptClientCertificate;
    private final ThrottledLog log;

    BearerAuth(Credential token, boolean acceptClientCertificate, ThrottledLog log) {
        this.token = token;
        this.acceptClientCertificate = acceptClientCertificate;
        this.log = log;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (acceptClientCertificate && call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION) != null) {
            return next.startCall(call, headers); // the handshake already required a certificate from the client CA
        }
        String header = headers.get(AUTHORIZATION);
        Status refusal;
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refusal = Status.UNAUTHENTICATED.withDescription(
                    "this service needs 'authorization: Bearer <token>' in the call's metadata");
        } else if (!token.matches(header.substring(BEARER.length()).strip())) {
            refusal = Status.PERMISSION_DENIED.withDescription("the bearer token is not valid for this service");
        } else {
            return next.startCall(call, headers);
        }
        log.warn(
                "auth-" + refusal.getCode().name().toLowerCase(Locale.ROOT),
                "refused {} from {}: {}",
                call.getMethodDescriptor().getFullMethodName(),
                call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                refusal.getCode());
        call.close(refusal, new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
