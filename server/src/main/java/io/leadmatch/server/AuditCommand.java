package io.leadmatch.server;

import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.assign.Assigner;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code leadmatch audit}: the assignment journal of a data directory as JSON lines (team memberships, every
 * assignment with its whole explanation, turn adjustments, availability changes). Reads the journal of a running
 * server without disturbing it; no server needed.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Export the assignment journal of a data directory as JSON lines (one object per record).")
final class AuditCommand implements Callable<Integer> {
    @CommandLine.Mixin
    JournalCommand.DataDirOption data = new JournalCommand.DataDirOption();

    @Option(
            names = "--from",
            paramLabel = "SEQ",
            defaultValue = "1",
            description = "First journal sequence to export (an assignment id asg-N is sequence N; default: 1)")
    long from;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output")
    Path out;

    @Override
    public Integer call() {
        Path dataDir = data.dataDir;
        Path journal = dataDir.resolve(LeadMatchEngine.JOURNAL);
        if (!Files.isDirectory(journal)) {
            System.err.println("leadmatch audit: no journal in " + journal + " (a server started with --data-dir "
                    + dataDir + " writes one)");
            return 2;
        }
        try {
            long lines;
            if (out == null) { // standard output stays open for whoever called us
                Writer w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
                lines = Assigner.exportJournal(journal, Math.max(1, from), w);
                w.flush();
            } else {
                try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                    lines = Assigner.exportJournal(journal, Math.max(1, from), w);
                }
            }
            System.err.println("leadmatch audit: " + lines + " records" + (out == null ? "" : " written to " + out));
            return 0;
        } catch (IOException | UncheckedIOException e) {
            System.err.println("leadmatch audit: cannot read " + journal + ": " + e.getMessage());
            return 1;
        }
    }
}
