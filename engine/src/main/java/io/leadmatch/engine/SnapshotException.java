package io.leadmatch.engine;

/**
 * A snapshot or configuration that cannot be loaded, with where and why: {@code Account.csv:12: reason}.
 * The serving state is never touched by a load that throws this.
 */
public final class SnapshotException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String reason;

    /**
     * @param file   file name (or table name) the problem is in
     * @param line   1-based line (or 0 when not tied to a line)
     * @param reason what is wrong, in words an operator can act on
     */
    public SnapshotException(String file, long line, String reason) {
        this(file, line, reason, null);
    }

    public SnapshotException(String file, long line, String reason, Throwable cause) {
        this(file, line, 0, reason, cause);
    }

    /** A problem at a line and column: {@code leadmatch.yaml:3:5: reason}. */
    public SnapshotException(String file, long line, int column, String reason) {
        this(file, line, column, reason, null);
    }

    public SnapshotException(String file, long line, int column, String reason, Throwable cause) {
        super(
                line <= 0
                        ? file + ": " + reason
                        : column <= 0
                                ? file + ":" + line + ": " + reason
                                : file + ":" + line + ":" + column + ": " + reason,
                cause);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    public long line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
