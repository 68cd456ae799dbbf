package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The journal's records are damaged or incomplete in a way a crash cannot explain: a record that fails its check
 * with readable records after it, a missing segment, a journal that ends before its checkpoint. Start-up refuses
 * rather than continue without acknowledged records; {@code leadmatch journal verify} lists every such place and
 * {@code leadmatch journal salvage} copies out every readable record.
 */
final class JournalCorruptException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    /** {@code file} and {@code offset}: where the damage starts (offset -1: the file as a whole). */
    public JournalCorruptException(Path file, long offset, String message) {
        super(message);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged (or, for a missing segment, the last present) file. */
    public Path file() {
        return file;
    }

    /** Byte offset of the damage in {@link #file}, or -1. */
    public long offset() {
        return offset;
    }
}
