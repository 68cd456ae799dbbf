package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The journal's files and record sizes for tests of other packages, to which {@link JournalLayout} is hidden. */
public final class JournalFiles {
    private JournalFiles() {}

    /** The segment files of the journal in {@code dir}, oldest first. */
    public static List<Path> segments(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(JournalLayout.SEGMENT_SUFFIX))
                    .sorted()
                    .toList();
        }
    }

    /** The sequence of a segment's first record, which names the segment. */
    public static long firstSequence(Path segment) {
        return Long.parseLong(segment.getFileName().toString().replace(JournalLayout.SEGMENT_SUFFIX, ""));
    }

    /** Bytes {@code r} occupies in a segment: header, payload and alignment padding. */
    public static int alignedLength(JournalRecord r) {
        return JournalLayout.alignedLength(r.length() - JournalLayout.HEADER_LENGTH);
    }
}
