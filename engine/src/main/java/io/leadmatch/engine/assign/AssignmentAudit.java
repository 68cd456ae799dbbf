package io.leadmatch.engine.assign;

import io.leadmatch.engine.journal.Journal;
import io.leadmatch.engine.journal.JournalVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reading the assignment journal for people: one decision explained, the whole journal exported as JSON lines, a
 * journal verified, or its readable records salvaged with its checkpoint. Invariant: none of them writes to the
 * journal it reads, and each works on the journal of a running server (a live one is read up to the records
 * already copied into its segments).
 */
final class AssignmentAudit {
    private AssignmentAudit() {}

    /** See {@link Assigner#explain}; {@code journal} is null without a data directory. */
    static Optional<Explanation> explain(Journal journal, String assignmentId) {
        if (journal == null) {
            throw new IllegalStateException("assignments are journaled only with a data directory (--data-dir); "
                    + "this server keeps them in memory");
        }
        long seq = AssignmentJournal.sequenceOf(assignmentId);
        if (seq < 0 || seq > journal.lastSequence()) {
            return Optional.empty();
        }
        try {
            journal.awaitCopied(seq); // a live journal is read up to the records copied into segments
            return Optional.ofNullable(AssignmentJournal.explain(journal.directory(), seq));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal in " + journal.directory(), e);
        }
    }

    /** See {@link Assigner#verifyJournal}. */
    static JournalVerifier.Report verify(Path journalDir) throws IOException {
        return JournalVerifier.verify(
                journalDir, Math.max(0, AssignerCheckpoint.covers(journalDir.resolve(AssignerCheckpoint.FILE))));
    }

    /** See {@link Assigner#salvageJournal}. */
    static JournalVerifier.Salvage salvage(Path journalDir, Path out) throws IOException {
        JournalVerifier.Salvage s = JournalVerifier.salvage(journalDir, out);
        Path checkpoint = journalDir.resolve(AssignerCheckpoint.FILE);
        if (AssignerCheckpoint.covers(checkpoint) > 0) {
            Files.copy(checkpoint, out.resolve(AssignerCheckpoint.FILE));
        }
        return s;
    }
}
