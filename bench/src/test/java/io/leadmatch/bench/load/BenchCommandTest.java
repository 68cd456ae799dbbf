package io.leadmatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code ./leadmatch bench} answers {@code --help} with its usage (exit 0) and an unknown option with the usage on
 * stderr (exit 2), before it builds or measures anything; and the first-calls client accepts only localhost.
 */
class BenchCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run bench(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 2];
        command[0] = Path.of("..", "leadmatch").toString();
        command[1] = "bench";
        System.arraycopy(args, 0, command, 2, args.length);
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    @Test
    void helpPrintsTheUsageAndSucceeds() throws Exception {
        Run r = bench("--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("usage: ./leadmatch bench [--quick] [--jmh] [--no-docs]"), r.out());
    }

    @Test
    void anUnknownOptionFailsWithTheUsage() throws Exception {
        Run r = bench("--quick", "--fast");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().contains("unknown option --fast") && r.err().contains("usage: ./leadmatch bench"), r.err());
    }

    @Test
    void firstCallsTalksToLocalhostOnly() {
        assertThrows(
                IllegalArgumentException.class,
                () -> FirstCalls.Options.parse(
                        "--target",
                        "example.com:1",
                        "--warm-echo",
                        "127.0.0.1:2",
                        "--leads",
                        "l",
                        "--server-log",
                        "s"));
        assertThrows(
                IllegalArgumentException.class,
                () -> FirstCalls.Options.parse(
                        "--target",
                        "127.0.0.1:1",
                        "--warm-echo",
                        "127.0.0.1:2",
                        "--leads",
                        "l",
                        "--server-log",
                        "s",
                        "--calls",
                        "1500",
                        "--block",
                        "1000"));
        FirstCalls.Options o = FirstCalls.Options.parse(
                "--target", "127.0.0.1:1", "--warm-echo", "localhost:2", "--leads", "l", "--server-log", "s");
        assertEquals(50, o.rps());
        assertEquals(10_000, o.calls());
        assertEquals(300, o.againAfterSeconds());
    }
}
