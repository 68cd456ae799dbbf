package io.leadmatch.engine;

import java.nio.file.Path;

/**
 * A state file that holds what no snapshot can rebuild (the provisional accounts) failed its check at open: the
 * engine refuses to start rather than serve without, or with a wrong version of, that state. The message names the
 * file and the line, and says what an operator can do.
 */
public final class DamagedStateFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;

    /**
     * @param file   the damaged file
     * @param line   1-based line of the first damaged entry
     * @param reason what failed (a checksum, the number of fields)
     */
    public DamagedStateFileException(Path file, long line, String reason) {
        super(file + ":" + line + ": " + reason
                + "; this file holds state no snapshot can rebuild: restore it from a backup, or move it aside to"
                + " start without it");
        this.file = file;
        this.line = line;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** 1-based line of the first damaged entry. */
    public long line() {
        return line;
    }
}
