package io.leadmatch.server;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.config.ConfigNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code server:} section of leadmatch.yaml ({@link #parse}) with the command line's flags laid over it: what
 * the server exposes and how: its listeners, credentials, TLS, resource limits, input limits and the
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
 * @param drainSeconds     on SIGTERM, how long in-flight calls may take to finish, 0..3600
 */
record ServerSettings(
        Listener lead,
        Listener admin,
        Credential adminToken,
        Credential leadToken,
        Limits limits,
        InputLimits input,
        List<Path> reloadRoots,
        int drainSeconds) {

    static final int DEFAULT_PORT = 50051;
    static final int DEFAULT_ADMIN_PORT = 50052;

    /** The keys of the {@code server:} section. */
    static final Set<String> KEYS =
            Set.of("bind", "port", "drain_seconds", "admin", "lead_token_file", "tls", "reload_roots", "limits");

    private static final Set<String> ADMIN_KEYS = Set.of("bind", "port", "token_file");
    private static final Set<String> TLS_KEYS = Set.of("cert", "key", "client_ca", "reload_seconds");
    private static final Set<String> LIMIT_KEYS = Set.of(
            "max_connections",
            "max_streams_per_connection",
            "max_connection_idle_seconds",
            "keepalive_seconds",
            "keepalive_timeout_seconds",
            "permit_keepalive_seconds",
            "stream_idle_seconds",
            "max_message_bytes",
            "rate_per_client",
            "burst_per_client");

    ServerSettings {
        Objects.requireNonNull(lead, "lead");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(input, "input");
        reloadRoots = List.copyOf(reloadRoots);
        if (drainSeconds < 0 || drainSeconds > 3600) {
            throw new IllegalArgumentException("drain seconds must be between 0 and 3600, got " + drainSeconds);
        }
    }

    /**
     * Reads the {@code server:} section of leadmatch.yaml (absent: {@link #defaults()}); relative file paths resolve
     * against {@code base}, the file's directory. Tokens are read here, from their files or the environment.
     *
     * <pre>
     * server:
     *   bind: 0.0.0.0              # the lead listener
     *   port: 50051
     *   drain_seconds: 30
     *   admin: {bind: 127.0.0.1, port: 50052, token_file: admin.token}   # port -1: no admin listener
     *   lead_token_file: lead.token
     *   tls: {cert: server.pem, key: server.key, client_ca: clients-ca.pem, reload_seconds: 60}
     *   reload_roots: [/srv/exports]
     *   limits: {max_connections: 1000, max_streams_per_connection: 100, stream_idle_seconds: 120, ...}
     * </pre>
     */
    static ServerSettings parse(ConfigNode section, Path base, Map<String, String> environment)
            throws SnapshotException {
        section.knownKeys(KEYS);
        ServerSettings d = defaults();
        ConfigNode tlsNode = section.get("tls").knownKeys(TLS_KEYS);
        Tls tls = null;
        if (!tlsNode.isAbsent()) {
            Path cert = tlsNode.get("cert").existingFile(base);
            Path key = tlsNode.get("key").existingFile(base);
            if (cert == null || key == null) {
                throw tlsNode.error("server.tls needs both cert and key");
            }
            tls = new Tls(
                    cert,
                    key,
                    tlsNode.get("client_ca").existingFile(base),
                    Duration.ofSeconds(tlsNode.get("reload_seconds").whole(60, 1, 86_400)));
        }
        ConfigNode adminNode = section.get("admin").knownKeys(ADMIN_KEYS);
        long adminPort = adminNode.get("port").whole(DEFAULT_ADMIN_PORT, -1, 65_535);
        Listener admin = adminPort < 0
                ? null
                : new Listener(adminNode.get("bind").nonBlank(d.admin().bind()), (int) adminPort, tls);
        List<Path> roots = new ArrayList<>();
        for (ConfigNode r : section.get("reload_roots").list()) {
            String dir = r.nonBlank(null);
            if (dir == null) {
                throw r.error(r.path() + " must be a directory");
            }
            roots.add(base.resolve(dir));
        }
        Credential adminToken;
        Credential leadToken;
        try {
            adminToken =
                    Credential.load(adminNode.get("token_file").existingFile(base), Credential.ADMIN_ENV, environment);
            leadToken = Credential.load(
                    section.get("lead_token_file").existingFile(base), Credential.LEAD_ENV, environment);
        } catch (IllegalArgumentException e) {
            throw section.error(e.getMessage());
        }
        return new ServerSettings(
                new Listener(
                        section.get("bind").nonBlank(d.lead().bind()),
                        (int) section.get("port").whole(DEFAULT_PORT, 0, 65_535),
                        tls),
                admin,
                adminToken,
                leadToken,
                limits(section.get("limits").knownKeys(LIMIT_KEYS)),
                InputLimits.defaults(),
                roots,
                (int) section.get("drain_seconds").whole(d.drainSeconds(), 0, 3600));
    }

    private static Limits limits(ConfigNode l) throws SnapshotException {
        Limits d = Limits.defaults();
        return new Limits(
                (int) l.get("max_connections").whole(d.maxConnections(), 1, 1_000_000),
                (int) l.get("max_streams_per_connection").whole(d.maxStreamsPerConnection(), 1, 100_000),
                seconds(l, "max_connection_idle_seconds", d.maxConnectionIdle()),
                seconds(l, "keepalive_seconds", d.keepAliveTime()),
                seconds(l, "keepalive_timeout_seconds", d.keepAliveTimeout()),
                seconds(l, "permit_keepalive_seconds", d.permitKeepAliveTime()),
                seconds(l, "stream_idle_seconds", d.streamIdleTimeout()),
                (int) l.get("max_message_bytes").whole(d.maxMessageBytes(), 1024, 64L << 20),
                d.maxMetadataBytes(),
                (int) l.get("rate_per_client").whole(0, 0, 1_000_000),
                (int) l.get("burst_per_client").whole(0, 0, 1_000_000));
    }

    private static Duration seconds(ConfigNode l, String key, Duration dflt) throws SnapshotException {
        return Duration.ofSeconds(l.get(key).whole(dflt.toSeconds(), 1, 7L * 24 * 3600));
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
                List.of(),
                30);
    }

    ServerSettings withLead(Listener l) {
        return new ServerSettings(l, admin, adminToken, leadToken, limits, input, reloadRoots, drainSeconds);
    }

    ServerSettings withAdmin(Listener l) {
        return new ServerSettings(lead, l, adminToken, leadToken, limits, input, reloadRoots, drainSeconds);
    }

    ServerSettings withAdminToken(Credential c) {
        return new ServerSettings(lead, admin, c, leadToken, limits, input, reloadRoots, drainSeconds);
    }

    ServerSettings withLeadToken(Credential c) {
        return new ServerSettings(lead, admin, adminToken, c, limits, input, reloadRoots, drainSeconds);
    }

    ServerSettings withLimits(Limits l) {
        return new ServerSettings(lead, admin, adminToken, leadToken, l, input, reloadRoots, drainSeconds);
    }

    ServerSettings withInput(InputLimits i) {
        return new ServerSettings(lead, admin, adminToken, leadToken, limits, i, reloadRoots, drainSeconds);
    }

    ServerSettings withDrainSeconds(int seconds) {
        return new ServerSettings(lead, admin, adminToken, leadToken, limits, input, reloadRoots, seconds);
    }

    ServerSettings withReloadRoots(List<Path> roots) {
        return new ServerSettings(lead, admin, adminToken, leadToken, limits, input, roots, drainSeconds);
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

        Limits withMaxMessageBytes(int n) {
            return new Limits(
                    maxConnections,
                    maxStreamsPerConnection,
                    maxConnectionIdle,
                    keepAliveTime,
                    keepAliveTimeout,
                    permitKeepAliveTime,
                    streamIdleTimeout,
                    n,
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
