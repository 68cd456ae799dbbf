package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command-line convention, through the real {@code ./leadmatch} launcher script and the packaged jar: every
 * command prints its usage on {@code --help} to standard output and exits 0, and on an unknown option prints the
 * error and its usage to standard error and exits 2. {@code bench} is dispatched by the script itself, so it is
 * checked here too, including that its help shows the same usage line as the suite's own error.
 */
class LauncherCommandLineIT {
    record Run(int exit, String out, String err) {}

    /** The repository root: the demo snapshot's grandparent (failsafe passes its absolute path). */
    static Path repo() {
        return ServerProcessIT.demo().toAbsolutePath().getParent().getParent();
    }

    static Run launch(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(repo().resolve("leadmatch").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("launcher-out", ".txt");
        Path err = Files.createTempFile("launcher-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(repo().toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("LEADMATCH_SKIP_BUILD", "1"); // the jar under test is the one failsafe just built
            pb.environment().put("LEADMATCH_CDS", "0"); // no class archive recorded by a run that serves nothing
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("./leadmatch " + String.join(" ", args) + " did not exit within 120 s");
            }
            return new Run(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "check", "call", "audit"})
    void helpPrintsTheUsageAndExitsZero(String command) throws Exception {
        Run r = launch(command, "--help");
        assertEquals(0, r.exit(), command + " --help: " + r.err());
        assertTrue(r.out().startsWith("Usage: leadmatch " + command), r.out());
        assertTrue(r.out().contains("-h, --help"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "check", "call", "audit"})
    void anUnknownOptionPrintsTheErrorAndTheUsageAndExitsTwo(String command) throws Exception {
        // call's positionals are given so that the unknown option, not a missing METHOD, is what fails
        Run r = command.equals("call")
                ? launch(command, "--no-such-option", "Match", "{}")
                : launch(command, "--no-such-option");
        assertEquals(2, r.exit(), command + " --no-such-option: " + r.out() + r.err());
        assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.err());
        assertTrue(r.err().contains("Usage: leadmatch " + command), r.err());
        assertEquals("", r.out(), "the usage of a failed command goes to standard error");
    }

    @Test
    void topLevelHelpListsEveryCommandIncludingTheLaunchersBench() throws Exception {
        Run r = launch("--help");
        assertEquals(0, r.exit(), r.err());
        for (String command : List.of("serve", "check", "call", "audit", "bench")) {
            assertTrue(r.out().contains(command), command + " missing from:\n" + r.out());
        }
    }

    @Test
    void anUnknownCommandExitsTwo() throws Exception {
        Run r = launch("no-such-command");
        assertEquals(2, r.exit(), r.out() + r.err());
        // picocli prints the usage, or instead a suggestion when the name is close to a command's
        assertTrue(r.err().contains("Unmatched argument at index 0: 'no-such-command'"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void benchHelpExitsZeroAndMatchesTheSuitesOwnUsage() throws Exception {
        Run help = launch("bench", "--help");
        assertEquals(0, help.exit(), help.err());
        Run bad = launch("bench", "--no-such-option"); // the suite rejects it before doing any work
        assertEquals(2, bad.exit(), bad.out() + bad.err());
        String usage = bad.err()
                .strip()
                .lines()
                .filter(l -> l.startsWith("usage:"))
                .findFirst()
                .orElseThrow();
        assertEquals(usage, help.out().lines().findFirst().orElseThrow(), "bench --help shows the suite's usage");
        assertTrue(help.out().contains("--quick") && help.out().contains("--no-readme"), help.out());
    }
}
