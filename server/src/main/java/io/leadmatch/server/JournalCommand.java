package io.leadmatch.server;

import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.journal.JournalVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code leadmatch journal verify | salvage}: the operator's tools for a journal the server refuses to start on.
 * Neither writes to the journal it reads; both work on a running server's journal.
 */
@Command(
        name = "journal",
        mixinStandardHelpOptions = true,
        description = "Check the assignment journal of a data directory, or copy its readable records out.",
        subcommands = {JournalCommand.Verify.class, JournalCommand.Salvage.class})
final class JournalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** {@code --data-dir}, shared by the commands that read a server's data directory without a server. */
    static final class DataDirOption {
        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                defaultValue = "data",
                description = "The server's data directory (default: ${DEFAULT-VALUE})")
        Path dataDir;
    }

    /** The journal directory of {@code dataDir}, or null (with a message) when there is none. */
    static Path journalOf(Path dataDir, String command) {
        Path journal = dataDir.resolve(LeadMatchEngine.JOURNAL);
        if (!Files.isDirectory(journal)) {
            System.err.println("leadmatch journal " + command + ": no journal in " + journal
                    + " (a server started with --data-dir " + dataDir + " writes one)");
            return null;
        }
        return journal;
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Read every record of every segment and report damage: a record that fails its check with readable"
                        + " records after it, a missing segment, a journal that does not reach back to its"
                        + " checkpoint.",
                "Exit status: 0 sound, 1 damaged (the server refuses to start on it), 2 bad usage."
            })
    static final class Verify implements Callable<Integer> {
        @CommandLine.Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() {
            Path dataDir = data.dataDir;
            Path journal = journalOf(dataDir, "verify");
            if (journal == null) {
                return 2;
            }
            try {
                JournalVerifier.Report r = Assigner.verifyJournal(journal);
                for (JournalVerifier.SegmentSummary s : r.segments()) {
                    System.out.printf(
                            Locale.ROOT,
                            "%s  sequences %d-%d  %,d bytes  %s%n",
                            s.file(),
                            s.firstSequence(),
                            s.nextSequence() - 1,
                            s.bytes(),
                            s.end());
                }
                System.out.printf(
                        Locale.ROOT,
                        "%,d readable records (%,d only in the staging ring), last sequence %d%n",
                        r.records(),
                        r.ringRecords(),
                        r.lastSequence());
                r.notes().forEach(n -> System.out.println("note: " + n));
                r.problems().forEach(p -> System.out.println("DAMAGED: " + p));
                System.out.println(
                        r.sound()
                                ? "journal " + journal + " is sound"
                                : "journal " + journal + " is damaged: the server refuses to start on it; `leadmatch"
                                        + " journal salvage --data-dir " + dataDir + " --out DIR` copies every"
                                        + " readable record into a new journal");
                return r.sound() ? 0 : 1;
            } catch (IOException | UncheckedIOException e) {
                System.err.println("leadmatch journal verify: cannot read " + journal + ": " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(
            name = "salvage",
            mixinStandardHelpOptions = true,
            description = {
                "Copy every readable record (damaged segments included) and the checkpoint into a new journal"
                        + " directory; records keep their sequences, gaps are sealed, and new sequences start above"
                        + " any the old journal may have handed out.",
                "To serve from it: stop the server, move the old journal directory aside, move DIR to"
                        + " <data-dir>/journal, start the server."
            })
    static final class Salvage implements Callable<Integer> {
        @CommandLine.Mixin
        DataDirOption data = new DataDirOption();

        @Option(
                names = "--out",
                paramLabel = "DIR",
                required = true,
                description = "A new (or empty) directory for the salvaged journal")
        Path out;

        @Override
        public Integer call() {
            Path journal = journalOf(data.dataDir, "salvage");
            if (journal == null) {
                return 2;
            }
            try {
                JournalVerifier.Salvage s = Assigner.salvageJournal(journal, out);
                System.out.printf(
                        Locale.ROOT,
                        "%,d readable records copied into %s; new sequences start at %d%n",
                        s.records(),
                        out,
                        s.resumeAt());
                s.gaps().forEach(g -> System.out.println("missing sequences " + g));
                return 0;
            } catch (IOException | UncheckedIOException e) {
                System.err.println("leadmatch journal salvage: " + e.getMessage());
                return 1;
            }
        }
    }
}
