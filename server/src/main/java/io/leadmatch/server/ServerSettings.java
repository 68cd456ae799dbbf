package io.leadmatch.server;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.config.ConfigNode;
import java.util.Set;

/**
 * The {@code server:} section of leadmatch.yaml: where and how the gRPC server listens. Command-line flags, when
 * given, take precedence over the file; both are validated once at start-up.
 *
 * <pre>
 * server:
 *   bind: 0.0.0.0        # address of the listener
 *   port: 50051          # 0 picks a free port
 *   drain_seconds: 30    # on SIGTERM, how long in-flight calls may take to finish
 * </pre>
 *
 * @param bind         address to listen on
 * @param port         TCP port, 0..65535
 * @param drainSeconds grace period for in-flight calls at shutdown, 0..3600
 */
public record ServerSettings(String bind, int port, int drainSeconds) {
    static final Set<String> KEYS = Set.of("bind", "port", "drain_seconds");

    public ServerSettings {
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("bind address must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (drainSeconds < 0 || drainSeconds > 3600) {
            throw new IllegalArgumentException("drain seconds must be between 0 and 3600, got " + drainSeconds);
        }
    }

    /** Listen on every address, port 50051, 30 s drain. */
    public static ServerSettings defaults() {
        return new ServerSettings("0.0.0.0", 50051, 30);
    }

    /** Reads the {@code server:} section (absent: the defaults). */
    static ServerSettings parse(ConfigNode section) throws SnapshotException {
        section.knownKeys(KEYS);
        ServerSettings d = defaults();
        return new ServerSettings(
                section.get("bind").nonBlank(d.bind()),
                (int) section.get("port").whole(d.port(), 0, 65_535),
                (int) section.get("drain_seconds").whole(d.drainSeconds(), 0, 3600));
    }
}
