package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.concurrent.DaemonFuture;
import io.leadmatch.engine.config.MatchingConfig;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.HostingPlatforms;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.domain.PublicSuffixList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the engine's generations from its configured source, a CSV export or a database, and keeps what the data
 * directory holds for them: the export's fingerprint remembered for its unchanged files ({@code index/export.stamp},
 * {@link ExportStamp}), the persisted index and tables named after everything they derive from
 * ({@code index/domains-<fingerprint>.cm3}, {@link IndexFingerprint}), and the account changes made since the last
 * full load ({@code account-changes.log}, {@link AccountChangeLog}), replayed on a load of the same export.
 *
 * <p>{@link #identify} and {@link #loadPersisted} only read, so they may run on another thread before the data
 * directory is known to be this process's; the other methods write it and are called under the engine's lock.
 */
public final class SnapshotLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoader.class);

    private final Path dataDir;
    private final MatchingConfig matching;
    private final CsvColumns columns;
    private final PostgresSourceConfig postgres;
    private final Path routingFile;

    /** The durable log of changes since the last full load; null before a load and without a data directory. */
    private AccountChangeLog changeLog;

    /**
     * @param dataDir     where the stamp, the index files and the change log live; null keeps nothing
     * @param matching    the matching settings the persisted index is built with (part of its name)
     * @param columns     header names of the CSV export
     * @param postgres    the database {@link #loadDatabase} reads; null with a CSV export
     * @param routingFile routing.yaml for the database (a CSV export has its own)
     */
    public SnapshotLoader(
            Path dataDir,
            MatchingConfig matching,
            CsvColumns columns,
            PostgresSourceConfig postgres,
            Path routingFile) {
        this.dataDir = dataDir;
        this.matching = matching;
        this.columns = columns;
        this.postgres = postgres;
        this.routingFile = routingFile;
    }

    /**
     * A CSV export as {@link #identify} found it: its directory, its fingerprint, and the metadata of its files to
     * remember the fingerprint for (null: nothing to remember, it came from the stamp or the files changed while
     * being read).
     */
    public static final class Export {
        private final Path dir;
        private final String fingerprint;
        private final String metadataToRecord;

        private Export(Path dir, String fingerprint, String metadataToRecord) {
            this.dir = dir;
            this.fingerprint = fingerprint;
            this.metadataToRecord = metadataToRecord;
        }
    }

    /** A batch of account changes applied: the derived generation (not yet serving) and what the batch did. */
    public record Applied(CrmSnapshot snapshot, AccountChange.Result result) {}

    /** The export in {@code dir} with its fingerprint: remembered for its files' unchanged metadata, else read. */
    public Export identify(Path dir) {
        long t0 = System.nanoTime();
        String meta = ExportStamp.metadata(dir);
        String fp = ExportStamp.recorded(stampFile(), meta);
        if (fp != null) {
            LOG.info(
                    "snapshot fingerprint as recorded for its unchanged files ({} ms)",
                    (System.nanoTime() - t0) / 1_000_000);
            return new Export(dir, fp, null);
        }
        fp = IndexFingerprint.ofExport(dir);
        LOG.info("snapshot fingerprint in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return new Export(dir, fp, meta != null && meta.equals(ExportStamp.metadata(dir)) ? meta : null);
    }

    /**
     * What a previous run persisted for {@code export}, as generation 1, or null when there is nothing to reuse (or
     * no data directory). Reads only.
     */
    public CrmSnapshot loadPersisted(Export export) throws SnapshotException {
        return CsvSnapshotReader.loadPersisted(export.dir, indexFile(export.dir, export.fingerprint), 1);
    }

    /** Remembers {@code export}'s fingerprint for its files' metadata, once the data directory is this process's. */
    public void remember(Export export) {
        ExportStamp.record(stampFile(), export.metadataToRecord, export.fingerprint);
    }

    /**
     * Loads {@code export} into generation {@code generation}, reusing its persisted index and tables when they are
     * there; without {@code tryPersisted} the tables are not read first ({@link #loadPersisted} found none usable).
     */
    public CrmSnapshot load(
            Export export,
            DomainNormalizer normalizer,
            CompletableFuture<MailboxProviders> mailboxes,
            long generation,
            boolean tryPersisted)
            throws SnapshotException {
        return CsvSnapshotReader.load(
                export.dir,
                columns,
                normalizer,
                mailboxes,
                indexFile(export.dir, export.fingerprint),
                generation,
                tryPersisted);
    }

    /** Loads the configured database into generation {@code generation}. */
    public CrmSnapshot loadDatabase(DomainNormalizer normalizer, MailboxProviders mailboxes, long generation)
            throws SnapshotException {
        // A database has no cheap fingerprint to name a reusable index file after: build it off-heap.
        return PostgresSnapshotReader.load(postgres, routingFile, normalizer, mailboxes, null, generation);
    }

    /** Where the persisted index (and tables) of {@code dir} live; null without a data directory. */
    private Path indexFile(Path dir, String exportFingerprint) {
        if (dataDir == null) {
            return null;
        }
        MatchingConfig m = matching;
        // routing.yaml's junk domains and the free/disposable lists are folded into the index too.
        String fingerprint = IndexFingerprint.of(
                exportFingerprint,
                "psl=" + m.pslFile() + " extra=" + m.extraHostingSuffixes()
                        + " free=" + m.freeEmailFile() + " disposable=" + m.disposableEmailFile() + " columns="
                        + columns.describe() + " list="
                        + PublicSuffixList.bundledVersion() + " platforms="
                        + HostingPlatforms.bundled().pageRules().hashCode() + "/"
                        + HostingPlatforms.bundled().tenantSuffixes().hashCode() + "/"
                        + m.platforms() + " freeAlways=" + m.freeEmailAlways() + " freeNever=" + m.freeEmailNever()
                        + " mailboxLists=" + MailboxProviders.bundledDigest(),
                m.pslFile(),
                dir.resolve(CsvSnapshotReader.ROUTING),
                m.freeEmailFile(),
                m.disposableEmailFile());
        return dataDir.resolve("index").resolve("domains-" + fingerprint + ".cm3");
    }

    /** Where the export's fingerprint is remembered, or null without a data directory. */
    private Path stampFile() {
        return dataDir == null ? null : dataDir.resolve("index").resolve("export.stamp");
    }

    /** Index files (and their markers and tables files) of earlier runs whose snapshot has since changed. */
    public static void deleteStaleIndexFiles(Path inUse) {
        String name = inUse.getFileName().toString();
        String keep = name.substring(0, name.length() - ".cm3".length()) + ".";
        try (var files = Files.list(inUse.getParent())) {
            files.filter(p -> p.getFileName().toString().startsWith("domains-"))
                    .filter(p -> !p.getFileName().toString().startsWith(keep))
                    .forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException e) {
                            LOG.warn("cannot delete stale index file {}: {}", p, e.toString());
                        }
                    });
        } catch (IOException e) {
            LOG.warn("cannot list index directory {}: {}", inUse.getParent(), e.toString());
        }
    }

    /**
     * Applies {@code batch} to {@code current} as generation {@code generation}; with a data directory the batch is
     * appended to the change log and forced to disk first, so a restart replays it.
     *
     * @throws IllegalArgumentException naming the first bad row and why; nothing was changed
     * @throws IOException              the change could not be made durable; nothing was changed
     */
    public Applied apply(
            CrmSnapshot current,
            AccountChange.Batch batch,
            DomainNormalizer normalizer,
            MailboxProviders mailboxes,
            long generation)
            throws IOException {
        Applied applied = AccountChanges.apply(current, batch, normalizer, mailboxes, generation);
        try {
            if (changeLog != null) {
                changeLog.append(batch);
            }
        } catch (IOException | RuntimeException e) {
            applied.snapshot().release();
            throw e;
        }
        return applied;
    }

    /**
     * Replays the logged account changes on a freshly loaded generation when it is of the export they were made on
     * ({@code base}; null for a database, which has no fingerprint); otherwise the log is superseded (kept as
     * {@code account-changes.superseded.log}) and a new one starts on {@code base}. Without a data directory
     * changes are not durable, and a load drops them.
     *
     * @param mailboxes the mailbox lists, asked for only when there is a batch to replay
     */
    public CrmSnapshot withLoggedChanges(
            CrmSnapshot loaded,
            Export base,
            DomainNormalizer normalizer,
            Supplier<CompletableFuture<MailboxProviders>> mailboxes,
            long generation)
            throws SnapshotException {
        if (dataDir == null) {
            return loaded;
        }
        String fingerprint = base == null ? null : base.fingerprint;
        if (changeLog != null && (fingerprint == null || !fingerprint.equals(changeLog.base()))) {
            changeLog.close();
            changeLog = null;
        }
        if (changeLog == null) {
            changeLog = AccountChangeLog.open(dataDir, fingerprint);
        }
        List<AccountChange.Batch> batches = changeLog.batches();
        CrmSnapshot s = loaded;
        for (int i = 0; i < batches.size(); i++) {
            CrmSnapshot d;
            try {
                d = AccountChanges.apply(s, batches.get(i), normalizer, DaemonFuture.await(mailboxes.get()), generation)
                        .snapshot();
            } catch (IllegalArgumentException e) {
                if (s != loaded) {
                    s.release();
                }
                throw new SnapshotException(
                        changeLog.file().toString(),
                        0,
                        "batch " + (i + 1) + " of " + batches.size() + " no longer applies to the snapshot: "
                                + e.getMessage(),
                        e);
            }
            if (s != loaded) {
                s.release();
            }
            s = d;
        }
        if (s != loaded) {
            loaded.release(); // the derived generation holds the loaded one now
            LOG.info("replayed {} account change batches from {}", batches.size(), changeLog.file());
        }
        return s;
    }

    /** Closes the change log. */
    @Override
    public void close() {
        if (changeLog != null) {
            changeLog.close();
        }
    }
}
