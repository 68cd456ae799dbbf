package io.leadmatch.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the server exposes and how: its listeners, credentials, TLS, resource limits, input limits and the
 * directories a reload may read. Immutable; {@link #defaults()} is the safe starting point, the {@code with*}
 * methods derive variants, {@link #validate()} refuses combinations that would expose the admin service.
 *
 * <p>Invariant after {@link #validate()}: the admin service is reachable without a credential (a bearer token or a
 * client certificate signed by a configured CA) only on loopback-bound listeners.
 *
 * @param lead             the listener of the lead-facing service (LeadMatch), health and reflection
 * @param admin            the admin listener (LeadMatchAdmin and health); null: none
 * @param adminToken       bearer token the admin service requires; null: none (then loopback only)
 * @param leadToken        bearer token the lead service requires; null: none
 * @param limits           connection, stream and rate limits
 * @param input            bounds on each lead field
 * @param reloadRoots      directories {@code ReloadSnapshot}'s {@code snapshot_dir} must lie under; empty: only the
 *                         snapshot directory the server was started with
 */
record ServerSettings(
        Listener lead,
        Listener admin,
        Credential adminToken,
        Credential leadToken,
        Limits limits,
        InputLimits input,
        List<Path> reloadRoots) {

    static final int DEFAULT_PORT = 50051;
    static final int DEFAULT_ADMIN_PORT = 50052;

    ServerSettings {
        Objects.requireNonNull(lead, "lead");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(input, "input");
        reloadRoots = List.copyOf(reloadRoots);
    }

    /**
     * Lead service on all interfaces (it is a network service), admin on a listener of its own bound to loopback, no
     * tokens, no TLS, the limits of {@link Limits#defaults()} and {@link InputLimits#defaults()}.
     */
    static ServerSettings defaults() {
        return new ServerSettings(
                new Listener("0.0.0.0", DEFAULT_PORT, null),
                new Listener("127.0.0.1", DEFAULT_ADMIN_PORT, null),
                null,
                null,
                Limits.defaults(),
                InputLimits.defaults(),
                List.of());
    }

    ServerSettings withLead(Listener l) {
        return new ServerSettings(l, admin, adminToken, leadToken, limits, input, reloadRoots);
    }

    ServerSettings withAdmin(Listener l) {
        return new ServerSettings(lead, l, adminToken, leadToken, limits, input, reloadRoots);
    }

    ServerSettings withAdminToken(Credential c) {
        return new ServerSettings(lead, admin, c, leadToken, limits, input, reloadRoots);
    }

    ServerSettings withLeadToken(Credential c) {
        return new ServerSettings(lead, admin, adminToken, c, limits, input, reloadRoots);
    }

    ServerSettings withLimits(Limits l) {
        return new ServerSettings(lead, admin, adminToken, leadToken, l, input, reloadRoots);
    }

    ServerSettings withInput(InputLimits i) {
        return new ServerSettings(lead, admin, adminToken, leadToken, limits, i, reloadRoots);
    }

    ServerSettings withReloadRoots(List<Path> roots) {
        return new ServerSettings(lead, admin, adminToken, leadToken, limits, input, roots);
    }

    /** Whether the lead listener also serves the admin service: only where that needs a credential or is local. */
    boolean adminOnLeadListener() {
        return adminToken != null || lead.requiresClientCertificate() || lead.isLoopback();
    }

    /**
     * Refuses settings that would serve the admin service to the network without a credential.
     *
     * @throws IllegalArgumentException with the reason, in words an operator can act on
     */
    ServerSettings validate() {
        if (admin != null && adminToken == null && !admin.requiresClientCertificate() && !admin.isLoopback()) {
            throw new IllegalArgumentException("the admin listener binds " + admin.bind()
                    + ", which is not a loopback address, and no admin token (--admin-token-file or "
                    + Credential.ADMIN_ENV + ") or client CA is configured: anyone who can reach it could change"
                    + " the CRM state; bind it to 127.0.0.1 or configure a credential");
        }
        if (admin != null
                && admin.port() != 0
                && admin.port() == lead.port()
                && admin.bind().equals(lead.bind())) {
            throw new IllegalArgumentException("the admin listener and the lead listener cannot share " + lead.bind()
                    + ":" + lead.port() + "; give the admin listener a port of its own");
        }
        return this;
    }

    /**
     * One listening socket.
     *
     * @param bind address to bind (an IP literal or a host name)
     * @param port TCP port; 0 picks a free one
     * @param tls  TLS files; null: plaintext
     */
    record Listener(String bind, int port, Tls tls) {
        Listener {
            Objects.requireNonNull(bind, "bind");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
        }

        Listener withTls(Tls t) {
            return new Listener(bind, port, t);
        }

        boolean requiresClientCertificate() {
            return tls != null && tls.clientCa() != null;
        }

        /** True when only this host can connect: 127.0.0.0/8, ::1 or a name resolving only to those. */
        boolean isLoopback() {
            try {
                InetAddress[] all = InetAddress.getAllByName(bind);
                for (InetAddress a : all) {
                    if (!a.isLoopbackAddress()) {
                        return false;
                    }
                }
                return all.length > 0;
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    /**
     * TLS for a listener: PEM files, re-read when they change (see {@link ReloadingTls}).
     *
     * @param certChain      the server's certificate chain (PEM)
     * @param privateKey     its private key (PEM, PKCS#8, unencrypted)
     * @param clientCa       CA certificates (PEM) that client certificates must chain to; null: no client
     *                       certificates asked for (TLS, not mTLS)
     * @param reloadInterval how often the files are checked for a change (a SIGHUP also re-reads them)
     */
    record Tls(Path certChain, Path privateKey, Path clientCa, Duration reloadInterval) {
        static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(60);

        Tls {
            Objects.requireNonNull(certChain, "certChain");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(reloadInterval, "reloadInterval");
        }

        Tls(Path certChain, Path privateKey, Path clientCa) {
            this(certChain, privateKey, clientCa, DEFAULT_RELOAD_INTERVAL);
        }
    }

    /**
     * Resource limits, per listener.
     *
     * @param maxConnections          open connections accepted; beyond it new connections are closed at once
     * @param maxStreamsPerConnection concurrent calls on one connection (HTTP/2 MAX_CONCURRENT_STREAMS)
     * @param maxConnectionIdle       a connection without calls for this long is closed (GOAWAY)
     * @param keepAliveTime           the server pings a connection silent for this long...
     * @param keepAliveTimeout        ...and closes it when the ping is not answered within this
     * @param permitKeepAliveTime     clients pinging more often than this are disconnected
     * @param streamIdleTimeout       a stream that receives no request for this long is ended with
     *                                {@code DEADLINE_EXCEEDED}
     * @param maxMessageBytes         largest request message; larger ones get {@code RESOURCE_EXHAUSTED}
     * @param maxMetadataBytes        largest request header block
     * @param callsPerSecondPerClient calls (and stream rows) per second per client address; 0: no limit
     * @param burstPerClient          calls a client may make at once above its rate
     */
    record Limits(
            int maxConnections,
            int maxStreamsPerConnection,
            Duration maxConnectionIdle,
            Duration keepAliveTime,
            Duration keepAliveTimeout,
            Duration permitKeepAliveTime,
            Duration streamIdleTimeout,
            int maxMessageBytes,
            int maxMetadataBytes,
            int callsPerSecondPerClient,
            int burstPerClient) {

        Limits {
            if (maxConnections < 1 || maxStreamsPerConnection < 1 || maxMessageBytes < 1 || maxMetadataBytes < 1) {
                throw new IllegalArgumentException("connection, stream and message limits must be >= 1");
            }
            if (callsPerSecondPerClient < 0 || burstPerClient < 0) {
                throw new IllegalArgumentException("the rate limit must be >= 0");
            }
            for (Duration d : List.of(
                    maxConnectionIdle, keepAliveTime, keepAliveTimeout, permitKeepAliveTime, streamIdleTimeout)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("timeouts must be positive, got " + d);
                }
            }
        }

        static Limits defaults() {
            return new Limits(
                    1_000,
                    100,
                    Duration.ofMinutes(15),
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(20),
                    Duration.ofSeconds(10),
                    Duration.ofMinutes(2),
                    4 * 1024 * 1024,
                    8 * 1024,
                    0,
                    0);
        }

        Limits withMaxConnections(int n) {
            return new Limits(
                    n,
                    maxStreamsPerConnection,
                    maxConnectionIdle,
                    keepAliveTime,
                    keepAliveTimeout,
                    permitKeepAliveTime,
                    streamIdleTimeout,
                    maxMessageBytes,
                    maxMetadataBytes,
                    callsPerSecondPerClient,
                    burstPerClient);
        }

        Limits withMaxStreamsPerConnection(int n) {
            return new Limits(
                    maxConnections,
                    n,
                    maxConnectionIdle,
                    keepAliveTime,
                    keepAliveTimeout,
                    permitKeepAliveTime,
                    streamIdleTimeout,
                    maxMessageBytes,
                    maxMetadataBytes,
                    callsPerSecondPerClient,
                    burstPerClient);
        }

        Limits withStreamIdleTimeout(Duration d) {
            return new Limits(
                    maxConnections,
                    maxStreamsPerConnection,
                    maxConnectionIdle,
                    keepAliveTime,
                    keepAliveTimeout,
                    permitKeepAliveTime,
                    d,
                    maxMessageBytes,
                    maxMetadataBytes,
                    callsPerSecondPerClient,
                    burstPerClient);
        }

        Limits withRate(int perSecond, int burst) {
            return new Limits(
                    maxConnections,
                    maxStreamsPerConnection,
                    maxConnectionIdle,
                    keepAliveTime,
                    keepAliveTimeout,
                    permitKeepAliveTime,
                    streamIdleTimeout,
                    maxMessageBytes,
                    maxMetadataBytes,
                    perSecond,
                    burst);
        }
    }

    /**
     * Bounds on a lead request, in characters (UTF-16 units, as Java counts them). A request beyond any of them is
     * refused as a whole ({@code INVALID_ARGUMENT}, or an {@code INVALID} row on the stream) with the field named.
     *
     * @param requestId       {@code request_id}: it is remembered for idempotency, so it is kept short
     * @param email           {@code email} (RFC 5321 allows 254 in a path; 320 covers local part and domain)
     * @param website         {@code website}, a URL
     * @param company         {@code company}
     * @param region          {@code country} and {@code state} each
     * @param attributes      entries in {@code attributes}
     * @param attributeKey    each attribute key
     * @param attributeValue  each attribute value
     */
    record InputLimits(
            int requestId,
            int email,
            int website,
            int company,
            int region,
            int attributes,
            int attributeKey,
            int attributeValue) {

        static InputLimits defaults() {
            return new InputLimits(128, 320, 2_048, 256, 64, 64, 64, 256);
        }
    }
}
