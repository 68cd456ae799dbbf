package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Command-line flags for the snapshot source and the skipped-row threshold, through {@code check}. */
class MainTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static String demo() {
        return LeadMatchServerTest.demo().toString();
    }

    @Test
    void auditExportsTheJournalAsJsonLines(@TempDir Path data) throws Exception {
        String id;
        try (var engine = LeadMatchEngine.open(EngineConfig.of(Path.of(demo()), data))) {
            id = engine.matchAndAssign(Lead.ofEmail("r-9", "x@gmail.com"))
                    .assignment()
                    .assignmentId();
        }
        Run r = run("audit", "--data-dir", data.toString());
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(6, lines.length, r.out()); // 5 team memberships and the assignment
        assertTrue(
                lines[5].contains("\"assignment_id\":\"" + id + "\"") && lines[5].contains("\"request_id\":\"r-9\""),
                lines[5]);
        Run none = run("audit", "--data-dir", data.resolve("nope").toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no journal"), none.err());
    }

    @Test
    void aMisspeltKeyFailsCheckAndServeWithItsPlaceAndASuggestion() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("leadmatch.yaml"), "jornal:\n  fsync: always\n");
        for (String command : new String[] {"check", "serve"}) {
            Run r = run(
                    command,
                    "--snapshot",
                    demo(),
                    "--data-dir",
                    tmp.resolve("d").toString(),
                    "--config",
                    yaml.toString());
            assertEquals(2, r.exit(), command + ": " + r.err());
            assertTrue(
                    r.err().contains("leadmatch.yaml:1:1: unknown key 'jornal' (did you mean 'journal'?)"),
                    command + ": " + r.err());
        }
        Files.writeString(yaml, "server:\n  prot: 6000\n");
        for (String command : new String[] {"check", "serve"}) {
            Run r = run(
                    command,
                    "--snapshot",
                    demo(),
                    "--data-dir",
                    tmp.resolve("d").toString(),
                    "--config",
                    yaml.toString());
            assertEquals(2, r.exit(), command + ": " + r.err());
            assertTrue(
                    r.err().contains("leadmatch.yaml:2:3: unknown key 'server.prot' (did you mean 'port'?)"),
                    command + ": " + r.err());
        }
    }

    @Test
    void postgresSourceNeedsUrlAndRouting() {
        Run r = run("check", "--source", "postgres");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--source postgres needs --jdbc-url and --routing"), r.err());
        r = run("check", "--source", "mysql");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--source must be csv or postgres"), r.err());
    }

    @Test
    void passwordVariableMustBeSet() {
        Run r = run(
                "check",
                "--source",
                "postgres",
                "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:1/crm",
                "--routing",
                demo() + "/routing.yaml",
                "--db-password-env",
                "LEADMATCH_TEST_UNSET_VARIABLE");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("LEADMATCH_TEST_UNSET_VARIABLE is not set"), r.err());
    }

    @Test
    void unreachableDatabaseFailsWithTheSourceNamedAndNoCredentials() {
        Run r = run(
                "check",
                "--source",
                "postgres",
                "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:1/crm?password=secret",
                "--routing",
                demo() + "/routing.yaml");
        assertEquals(2, r.exit());
        assertTrue(
                r.err().contains("cannot load snapshot postgres 127.0.0.1:1/crm")
                        && r.err().contains("cannot connect"),
                r.err());
        assertFalse(r.err().contains("secret"), r.err());
    }

    @Test
    void skippedRatioFromConfigFileAndFlag() throws Exception {
        Path yaml = tmp.resolve("leadmatch.yaml");
        Files.writeString(yaml, "snapshot:\n  max_skipped_ratio: 2\n");
        Run r = run("check", "--snapshot", demo(), "--config", yaml.toString());
        assertEquals(2, r.exit());
        assertTrue(
                r.err().contains("leadmatch.yaml:2:22: snapshot.max_skipped_ratio must be between 0.0 and 1.0"),
                r.err());

        Files.writeString(yaml, "snapshot:\n  max_skipped_ratio: 0.0\n");
        r = run("check", "--snapshot", demo(), "--config", yaml.toString());
        assertEquals(0, r.exit(), r.err()); // the demo skips nothing

        Files.writeString(yaml, "snapshot:\n  max_skiped_ratio: 0.1\n");
        r = run("check", "--snapshot", demo(), "--config", yaml.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown key 'snapshot.max_skiped_ratio'"), r.err());

        r = run("check", "--snapshot", demo(), "--max-skipped-ratio", "7");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--max-skipped-ratio must be between 0 and 1, got 7.0"), r.err());
    }
}
