package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.ReloadSnapshotRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReloadSnapshot reads only under the reload roots: a path outside them, a missing one and a link out of them get
 * the same refusal (so the reply says nothing about what exists outside), and a file inside that links to a secret
 * is never echoed back.
 */
class ReloadRootsTest {
    @TempDir
    Path data;

    @TempDir
    Path outside;

    Path snapshot;
    LeadMatchEngine engine;
    LeadMatchServer server;
    ManagedChannel channel;
    LeadMatchAdminGrpc.LeadMatchAdminBlockingStub admin;

    @BeforeEach
    void start() throws Exception {
        snapshot = copyOfDemo(data.resolve("snapshots").resolve("current"));
        engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data.resolve("state")));
        String name = InProcessServerBuilder.generateName();
        // no roots configured: the snapshot directory it was started with is the only one
        server = LeadMatchServer.inProcess(InProcessServerBuilder.forName(name), ServerSettings.defaults())
                .serve(engine)
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
        admin = LeadMatchAdminGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.drain(1_000);
        engine.close();
    }

    private StatusRuntimeException reloadFails(String dir) {
        return assertThrows(
                StatusRuntimeException.class,
                () -> admin.reloadSnapshot(
                        ReloadSnapshotRequest.newBuilder().setSnapshotDir(dir).build()));
    }

    @Test
    void pathsOutsideTheRootsAreRefusedAlikeWhetherOrNotTheyExist() throws Exception {
        Path sibling = copyOfDemo(data.resolve("snapshots").resolve("other")); // a valid snapshot, but not a root
        Files.createSymbolicLink(snapshot.resolve("escape"), Path.of("/etc"));
        List<String> hostile = List.of(
                "/etc",
                "/etc/passwd",
                "/no/such/directory",
                outside.toString(),
                sibling.toString(),
                snapshot + "/../other",
                snapshot.resolve("escape").toString(),
                snapshot.resolve("escape").resolve("ssl").toString(),
                "relative/path",
                "\u0000");
        for (String dir : hostile) {
            StatusRuntimeException e = reloadFails(dir);
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), dir);
            assertEquals(ReloadRoots.REFUSED, e.getStatus().getDescription(), dir);
        }
        assertEquals(1, engine.generation(), "nothing was loaded");
        StatusRuntimeException withLink = reloadFails(snapshot.toString());
        assertEquals(ReloadRoots.REFUSED, withLink.getStatus().getDescription(), "an entry links out of the roots");
        Files.delete(snapshot.resolve("escape"));
        assertEquals(
                2,
                admin.reloadSnapshot(ReloadSnapshotRequest.newBuilder()
                                .setSnapshotDir(snapshot.toString())
                                .build())
                        .getGeneration());
    }

    @Test
    void aFileLinkedToASecretIsNeverEchoed() throws Exception {
        Path inside = Files.createDirectories(snapshot.resolve("next"));
        for (String f : List.of("Account.csv", "routing.yaml")) {
            Files.copy(snapshot.resolve(f), inside.resolve(f));
        }
        Path secret = Files.writeString(outside.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.createSymbolicLink(inside.resolve("User.csv"), secret);
        StatusRuntimeException e = reloadFails(inside.toString());
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), "refused before anything is read");
        String reply = e.getStatus().getDescription();
        assertEquals(ReloadRoots.REFUSED, reply);
        assertFalse(reply.contains("root:"), reply);
        assertFalse(reply.contains(outside.toString()), reply);
        assertEquals(1, engine.generation());

        // A link that stays under the roots is followed as before.
        Files.delete(inside.resolve("User.csv"));
        Files.createSymbolicLink(inside.resolve("User.csv"), snapshot.resolve("User.csv"));
        assertEquals(
                2,
                admin.reloadSnapshot(ReloadSnapshotRequest.newBuilder()
                                .setSnapshotDir(inside.toString())
                                .build())
                        .getGeneration());
    }

    @Test
    void aFileThatDoesNotParseIsNamedButItsContentIsNeverEchoed() throws Exception {
        Path inside = Files.createDirectories(snapshot.resolve("next"));
        for (String f : List.of("Account.csv", "routing.yaml")) {
            Files.copy(snapshot.resolve(f), inside.resolve(f));
        }
        Files.writeString(inside.resolve("User.csv"), "root:x:0:0:root:/root:/bin/bash\n");
        StatusRuntimeException e = reloadFails(inside.toString());
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        String reply = e.getStatus().getDescription();
        assertTrue(reply.contains("User.csv"), reply);
        assertFalse(reply.contains("root:"), reply);
        assertFalse(reply.contains("/bin/bash"), reply);
        assertEquals(1, engine.generation());
    }

    static Path copyOfDemo(Path target) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(LeadMatchServerTest.demo())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, target.resolve(f.getFileName().toString()));
            }
        }
        return target;
    }
}
