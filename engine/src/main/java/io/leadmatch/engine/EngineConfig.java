package io.leadmatch.engine;

import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.MailboxProviders;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * How to open an engine.
 *
 * @param snapshotDir the CRM export directory to serve
 * @param dataDir     where persistent state (the off-heap index file) lives; null keeps everything in memory
 * @param normalizer  the domain normalizer (the standard one unless a newer PSL is configured)
 * @param mailboxes   free-webmail and disposable lists
 * @param clock       time source (injected so tests control it)
 */
public record EngineConfig(Path snapshotDir, Path dataDir, DomainNormalizer normalizer, MailboxProviders mailboxes,
                           Clock clock) {
    public EngineConfig {
        Objects.requireNonNull(snapshotDir, "snapshotDir");
        normalizer = normalizer == null ? DomainNormalizer.standard() : normalizer;
        mailboxes = mailboxes == null ? MailboxProviders.bundled() : mailboxes;
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** The defaults for a snapshot directory and an optional data directory. */
    public static EngineConfig of(Path snapshotDir, Path dataDir) {
        return new EngineConfig(snapshotDir, dataDir, null, null, null);
    }
}
