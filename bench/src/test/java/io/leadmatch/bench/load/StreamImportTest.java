package io.leadmatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.leadmatch.bench.data.DataGenerator;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.server.LeadMatchServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import step against a real server on Netty: every row answered, in order, and the report. Not timed. */
class StreamImportTest {
    @TempDir
    static Path dir;

    static LeadMatchEngine engine;
    static LeadMatchServer server;

    @BeforeAll
    static void serve() throws Exception {
        DataGenerator.main(
                new String[] {"--out", dir.toString(), "--accounts", "2000", "--leads", "3000", "--threads", "2"});
        engine = LeadMatchEngine.open(EngineConfig.of(dir, null));
        server = new LeadMatchServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), engine)
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.drain(5_000);
        engine.close();
    }

    @Test
    void streamsTheFirstRowsInOrderAndReportsAgainstTheTarget() throws Exception {
        Path json = dir.resolve("import.json");
        StreamImport.Result r = run("--rows", "2500", "--window", "16", "--json", json.toString());
        assertEquals(2500, r.rows());
        assertEquals(0, r.errors());
        assertEquals(
                2500, r.outcomes().values().stream().mapToLong(Long::longValue).sum());
        assertTrue(r.seconds() > 0);
        assertEquals(
                StreamImport.TARGET_ROWS / r.rowsPerSecond(),
                r.secondsForTargetRows(),
                1e-6,
                "a smaller run projects the 1M-row time from its rate");
        String written = Files.readString(json);
        assertTrue(written.contains("\"rows\": 2500,") && written.contains("\"projected\": true"), written);
    }

    @Test
    void streamsTheWholeFileByDefault() throws Exception {
        StreamImport.Result r = run("--window", "1");
        assertEquals(3000, r.rows());
        assertEquals(0, r.errors());
    }

    @Test
    void refusesTargetsOffThisMachine() {
        assertThrows(
                IllegalArgumentException.class,
                () -> StreamImport.Options.parse("--target", "10.0.0.1:50051", "--leads", "x.csv"));
        assertEquals(
                1_000_000,
                StreamImport.Options.parse("--target", "localhost:1", "--leads", "x.csv", "--rows", "1M")
                        .rows());
    }

    private static StreamImport.Result run(String... extra) throws Exception {
        String[] common = {
            "--target",
            "127.0.0.1:" + server.port(),
            "--leads",
            dir.resolve("leads.csv").toString()
        };
        String[] args = new String[common.length + extra.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(extra, 0, args, common.length, extra.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StreamImport.Result r;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            r = StreamImport.run(StreamImport.Options.parse(args), out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("target: 1,000,000 rows in < 10 s"), printed);
        return r;
    }
}
