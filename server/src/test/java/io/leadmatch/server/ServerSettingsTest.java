package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.config.LeadmatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code server:} section of leadmatch.yaml: every key read, relative paths from the file's directory. */
class ServerSettingsTest {
    @TempDir
    Path dir;

    private ServerSettings read(String yaml, Map<String, String> env) throws Exception {
        Path file = Files.writeString(dir.resolve("leadmatch.yaml"), yaml);
        return ServerSettings.parse(LeadmatchConfig.read(file).server(), dir, env);
    }

    @Test
    void theSectionSetsListenersTokensTlsRootsAndLimits() throws Exception {
        Files.writeString(dir.resolve("admin.token"), "admin-token-0123456789abcdef\n");
        for (String f : List.of("server.pem", "server.key", "ca.pem")) {
            Files.writeString(dir.resolve(f), "placeholder");
        }
        ServerSettings s = read("""
                server:
                  bind: 10.0.0.5
                  port: 6000
                  drain_seconds: 5
                  admin: {bind: 0.0.0.0, port: 6001, token_file: admin.token}
                  tls: {cert: server.pem, key: server.key, client_ca: ca.pem, reload_seconds: 30}
                  reload_roots: [exports]
                  limits:
                    max_connections: 50
                    max_streams_per_connection: 10
                    stream_idle_seconds: 30
                    rate_per_client: 100
                    burst_per_client: 200
                """, Map.of(Credential.LEAD_ENV, "lead-token-from-the-environment"));
        assertEquals(new ServerSettings.Listener("10.0.0.5", 6000, s.lead().tls()), s.lead());
        assertEquals(dir.resolve("ca.pem"), s.lead().tls().clientCa());
        assertEquals(Duration.ofSeconds(30), s.lead().tls().reloadInterval());
        assertEquals("0.0.0.0", s.admin().bind());
        assertTrue(s.adminToken().matches("admin-token-0123456789abcdef"));
        assertTrue(s.leadToken().matches("lead-token-from-the-environment"));
        assertEquals(List.of(dir.resolve("exports")), s.reloadRoots());
        assertEquals(50, s.limits().maxConnections());
        assertEquals(10, s.limits().maxStreamsPerConnection());
        assertEquals(Duration.ofSeconds(30), s.limits().streamIdleTimeout());
        assertEquals(100, s.limits().callsPerSecondPerClient());
        assertEquals(5, s.drainSeconds());
        s.validate(); // admin on 0.0.0.0 is allowed: it has a token
    }

    @Test
    void noSectionIsTheSafeDefault() throws Exception {
        ServerSettings s = read("journal:\n  fsync: always\n", Map.of());
        assertEquals("0.0.0.0", s.lead().bind());
        assertEquals("127.0.0.1", s.admin().bind());
        assertNull(s.adminToken());
        assertFalse(s.adminOnLeadListener());
        s.validate();
    }

    @Test
    void mistakesFailWithTheirPlace() throws Exception {
        SnapshotException typo = assertThrows(
                SnapshotException.class, () -> read("server:\n  limits:\n    max_conections: 5\n", Map.of()));
        assertTrue(typo.getMessage().contains("max_connections"), typo.getMessage());
        SnapshotException missing = assertThrows(
                SnapshotException.class, () -> read("server:\n  admin: {token_file: nope.token}\n", Map.of()));
        assertTrue(missing.getMessage().contains("nope.token"), missing.getMessage());
        ServerSettings open = read("server:\n  admin: {bind: 0.0.0.0}\n", Map.of());
        assertThrows(IllegalArgumentException.class, open::validate);
    }
}
