package io.leadmatch.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names a persisted domain index after everything its keys and values derive from: the index format, the
 * normalization settings, and the bytes of the files that produce domains and account ordinals (Account.csv,
 * domain_aliases.csv). An unchanged snapshot gives the same name, so a restart reuses the file instead of
 * rebuilding it; any change gives a new one.
 */
public final class IndexFingerprint {
    /** Bump when the entry layout, key normalization or account ordering changes. */
    static final int INDEX_FORMAT_VERSION = 1;

    private IndexFingerprint() {
    }

    /**
     * @param snapshotDir   the CSV export directory
     * @param normalization a description of the normalization settings (PSL source, extra suffixes)
     * @param extraFiles    files whose content also shapes the keys (e.g. a configured PSL file); may be null
     * @return 16 hex characters
     */
    public static String of(Path snapshotDir, String normalization, Path... extraFiles) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("leadmatch-index-v" + INDEX_FORMAT_VERSION + "\n" + normalization + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            digest(sha, snapshotDir.resolve(CsvSnapshotReader.ACCOUNTS));
            digest(sha, snapshotDir.resolve(CsvSnapshotReader.ALIASES));
            if (extraFiles != null) {
                for (Path p : extraFiles) {
                    if (p != null) {
                        digest(sha, p);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /**
     * A fingerprint of the CRM files account ordinals and domains come from (Account.csv, domain_aliases.csv)
     * and nothing else: the base an account change log is recorded on. Unlike {@link #of}, list and
     * normalization settings do not change it, so reconfiguring the lists keeps the changes.
     */
    public static String ofAccounts(Path snapshotDir) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            digest(sha, snapshotDir.resolve(CsvSnapshotReader.ACCOUNTS));
            digest(sha, snapshotDir.resolve(CsvSnapshotReader.ALIASES));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static void digest(MessageDigest sha, Path file) {
        sha.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        if (!Files.isRegularFile(file)) {
            sha.update((byte) 0);
            return;
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
