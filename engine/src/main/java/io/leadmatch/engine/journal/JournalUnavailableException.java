package io.leadmatch.engine.journal;

/**
 * The journal cannot write or force its records (a failed write or fsync, a full disk): nothing new is appended,
 * so nothing is acknowledged, until a retried write and force succeed. A server fault, never the caller's: the
 * server answers {@code UNAVAILABLE} (retryable) and its health says {@code NOT_SERVING} meanwhile.
 */
public final class JournalUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code reason} says what failed and where; {@code cause} is the I/O error. */
    public JournalUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
