package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * TLS and mutual TLS on both listeners over real Netty sockets, with certificates made by openssl at test time; a
 * renewed certificate (here: signed by another CA) is served after a reload without a restart, and a broken renewal
 * leaves the old certificate in place.
 */
class TlsTest {
    @TempDir
    Path data;

    @TempDir
    Path certs;

    TestCertificates ca;
    LeadMatchEngine engine;
    LeadMatchServer server;
    NettyListeners listeners;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(TestCertificates.available(), "the openssl command is not installed");
        ca = new TestCertificates(certs);
        ca.ca("ca1");
        ca.ca("ca2");
        ca.leaf("server", "ca1");
        ca.leaf("client", "ca1");
        ca.leaf("stranger", "ca2");
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.drain(1_000);
        }
        if (engine != null) {
            engine.close();
        }
    }

    private void start(ServerSettings.Tls tls) throws Exception {
        ServerSettings settings = ServerSettings.defaults()
                .withLead(new ServerSettings.Listener("127.0.0.1", 0, tls))
                .withAdmin(new ServerSettings.Listener("127.0.0.1", 0, tls));
        listeners = new NettyListeners(settings);
        server = new LeadMatchServer(listeners.lead(), listeners.admin(), settings)
                .owning(listeners)
                .serve(engine)
                .start();
    }

    private ManagedChannel channel(int port, String trustedCa, String clientCert) throws Exception {
        SslContextBuilder ssl =
                GrpcSslContexts.forClient().trustManager(ca.pem(trustedCa).toFile());
        if (clientCert != null) {
            ssl.keyManager(ca.pem(clientCert).toFile(), ca.key(clientCert).toFile());
        }
        return NettyChannelBuilder.forAddress("localhost", port)
                .sslContext(ssl.build())
                .build();
    }

    private static String match(ManagedChannel ch) {
        try {
            return LeadMatchGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .match(LeadMatchServerTest.email("t", "jane@example-corp.com"))
                    .getAccountId();
        } finally {
            ch.shutdownNow();
        }
    }

    private static Status.Code failure(ManagedChannel ch) {
        try {
            return assertThrows(StatusRuntimeException.class, () -> match(ch))
                    .getStatus()
                    .getCode();
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    void tlsOnBothListenersAndARenewedCertificateIsServedAfterAReload() throws Exception {
        start(new ServerSettings.Tls(ca.pem("server"), ca.key("server"), null, Duration.ofDays(1)));
        assertEquals(LeadMatchServerTest.EXAMPLE_CORP, match(channel(server.port(), "ca1", null)));
        assertTrue(teamSize(channel(server.adminPort(), "ca1", null)) > 0);
        ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        assertEquals(Status.Code.UNAVAILABLE, failure(plaintext), "plaintext is not served on a TLS listener");
        assertEquals(Status.Code.UNAVAILABLE, failure(channel(server.port(), "ca2", null)), "ca2 does not sign it");

        // a half-written renewal (a certificate without its key) is refused; the old certificate stays
        Files.writeString(ca.pem("server"), "-----BEGIN CERTIFICATE-----\nAAAA\n");
        touch(ca.pem("server"));
        assertFalse(reloadAll());
        assertEquals(LeadMatchServerTest.EXAMPLE_CORP, match(channel(server.port(), "ca1", null)));

        // the renewal: a certificate signed by ca2, written in place
        ca.leaf("renewed", "ca2");
        Files.copy(ca.pem("renewed"), ca.pem("server"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(ca.key("renewed"), ca.key("server"), StandardCopyOption.REPLACE_EXISTING);
        touch(ca.pem("server"));
        assertTrue(reloadAll());
        assertEquals(LeadMatchServerTest.EXAMPLE_CORP, match(channel(server.port(), "ca2", null)));
        assertEquals(Status.Code.UNAVAILABLE, failure(channel(server.port(), "ca1", null)), "old chain no longer");
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificateFromTheClientCa() throws Exception {
        start(new ServerSettings.Tls(ca.pem("server"), ca.key("server"), ca.pem("ca1"), Duration.ofDays(1)));
        assertEquals(LeadMatchServerTest.EXAMPLE_CORP, match(channel(server.port(), "ca1", "client")));
        assertEquals(Status.Code.UNAVAILABLE, failure(channel(server.port(), "ca1", null)), "no client certificate");
        assertEquals(Status.Code.UNAVAILABLE, failure(channel(server.port(), "ca1", "stranger")), "wrong CA");
        // the client certificate is the admin credential on an mTLS listener
        assertTrue(teamSize(channel(server.adminPort(), "ca1", "client")) > 0);
    }

    @Test
    void theCallCommandSpeaksTlsAndMutualTls() throws Exception {
        start(new ServerSettings.Tls(ca.pem("server"), ca.key("server"), ca.pem("ca1"), Duration.ofDays(1)));
        String target = "localhost:" + server.port();
        String request = "{\"email\": \"jane@example-corp.com\"}";
        String ca1 = ca.pem("ca1").toString();
        String[] ok = call(
                "Match",
                request,
                "--target",
                target,
                "--ca-file",
                ca1,
                "--cert-file",
                ca.pem("client").toString(),
                "--key-file",
                ca.key("client").toString());
        assertEquals("0", ok[0], ok[2]);
        assertTrue(ok[1].contains(LeadMatchServerTest.EXAMPLE_CORP), ok[1]);
        String[] noCert = call("Match", request, "--target", target, "--ca-file", ca1);
        assertEquals("1", noCert[0], "the server wants a client certificate: " + noCert[2]);
        assertTrue(noCert[2].contains("UNAVAILABLE"), noCert[2]);
        String[] plaintext = call("Match", request, "--target", target);
        assertEquals("1", plaintext[0], plaintext[2]);
        String[] halfPair = call(
                "Match",
                request,
                "--target",
                target,
                "--cert-file",
                ca.pem("client").toString());
        assertEquals("2", halfPair[0]);
        assertTrue(halfPair[2].contains("--cert-file and --key-file go together"), halfPair[2]);
        String[] missing = call(
                "Match",
                request,
                "--target",
                target,
                "--ca-file",
                certs.resolve("nope.pem").toString());
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("cannot use the credential files"), missing[2]);
    }

    /** Runs {@code leadmatch call} in this JVM: exit code, standard output, standard error. */
    private static String[] call(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new CallCommand());
            cl.setErr(new PrintWriter(System.err, true));
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {
            Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    @Test
    void unusableFilesAreRefusedAtStartUpWithTheReason() throws Exception {
        IllegalArgumentException mismatched = assertThrows(
                IllegalArgumentException.class,
                () -> new ReloadingTls(new ServerSettings.Tls(ca.pem("server"), ca.key("client"), null)));
        assertTrue(mismatched.getMessage().contains("does not belong to the certificate"), mismatched.getMessage());
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> new ReloadingTls(new ServerSettings.Tls(certs.resolve("nope.pem"), ca.key("server"), null)));
        assertTrue(missing.getMessage().contains("nope.pem"), missing.getMessage());
    }

    private static int teamSize(ManagedChannel admin) {
        try {
            return LeadMatchAdminGrpc.newBlockingStub(admin)
                    .getTeamState(GetTeamStateRequest.newBuilder()
                            .setTeamId("inbound-sdr")
                            .build())
                    .getMembersCount();
        } finally {
            admin.shutdownNow();
        }
    }

    private boolean reloadAll() {
        boolean any = false;
        for (ReloadingTls t : listeners.tls()) {
            any |= t.reloadIfChanged();
        }
        return any;
    }

    /** A modification time the reload cannot miss, whatever the file system's time resolution. */
    private static void touch(Path p) throws Exception {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().plusSeconds(5 + (long) (Math.random() * 1000))));
    }
}
