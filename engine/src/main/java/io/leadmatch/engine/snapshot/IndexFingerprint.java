package io.leadmatch.engine.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Adler32;
import java.util.zip.CRC32C;

/**
 * Names a persisted domain index and its tables file after everything they derive from: the format, the
 * normalization and column settings, and the content of every file of the export (Account.csv, User.csv,
 * Opportunity.csv, domain_aliases.csv) plus the caller's extra files (routing.yaml, lists). An unchanged snapshot
 * gives the same name, so a restart reuses both files instead of parsing the export; any change gives a new one.
 *
 * <p>Per file the fingerprint takes its name, size, and two checksums of its whole content, CRC32C and Adler-32
 * (both hardware-accelerated, several times faster than SHA-256). Every byte is
 * read, so any change of content is seen, whatever happens to modification times (a copy with {@code cp -p} or
 * an rsync keeps them). Two independent 32-bit checksums make an accidental match on changed content
 * vanishingly unlikely; they are not a defence against someone crafting a collision, and need not be: whoever
 * can write the export already decides what is served.
 */
final class IndexFingerprint {
    /**
     * Bump when the entry layout, key normalization, account ordering, the normalization of the persisted account
     * columns (billing countries and states as ISO 3166 codes) or the index's ready marker changes.
     */
    static final int INDEX_FORMAT_VERSION = 4;

    private IndexFingerprint() {}

    /**
     * The fingerprint of the export itself: the content of its four CSV files. Also the base an account change
     * log is recorded on: a different export (any of its files changed) supersedes the logged changes, while
     * reconfiguring lists or routing keeps them.
     *
     * @return 16 hex characters
     */
    public static String ofExport(Path snapshotDir) {
        MessageDigest sha = sha256();
        for (String f : new String[] {
            CsvSnapshotReader.ACCOUNTS,
            CsvSnapshotReader.ALIASES,
            CsvSnapshotReader.USERS,
            CsvSnapshotReader.OPPORTUNITIES
        }) {
            digest(sha, snapshotDir.resolve(f));
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    /**
     * The name of the persisted index and tables: the export's fingerprint (read once per load) with everything
     * else they derive from.
     *
     * @param exportFingerprint {@link #ofExport} of the snapshot directory
     * @param settings          a description of the normalization and column settings
     * @param extraFiles        files whose content also shapes the result (routing.yaml, a configured PSL file,
     *                          lists); null entries are skipped
     * @return 16 hex characters
     */
    public static String of(String exportFingerprint, String settings, Path... extraFiles) {
        MessageDigest sha = sha256();
        sha.update(
                ("leadmatch-index-v" + INDEX_FORMAT_VERSION + "\n" + settings + "\nexport=" + exportFingerprint + "\n")
                        .getBytes(StandardCharsets.UTF_8));
        if (extraFiles != null) {
            for (Path p : extraFiles) {
                if (p != null) {
                    digest(sha, p);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Name, size and the content's CRC32C and Adler-32 (see the class comment for why not a hash). */
    private static void digest(MessageDigest sha, Path file) {
        sha.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        if (!Files.isRegularFile(file)) {
            sha.update((byte) 0);
            return;
        }
        CRC32C crc = new CRC32C();
        Adler32 adler = new Adler32();
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            for (long at = 0; at < size; at += MAP_CHUNK) {
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(MAP_CHUNK, size - at));
                // Both checksums per slice while it is in cache: one trip through memory instead of two.
                int end = m.capacity();
                for (int from = 0; from < end; from += SLICE) {
                    int to = Math.min(end, from + SLICE);
                    crc.update(m.limit(to).position(from));
                    adler.update(m.limit(to).position(from));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        sha.update(ByteBuffer.allocate(24)
                .putLong(size)
                .putLong(crc.getValue())
                .putLong(adler.getValue())
                .array());
    }

    /** Checksummed in slices that stay in the CPU's cache between the two checksums. */
    private static final int SLICE = 256 * 1024;

    /** Mapped in pieces: a mapping is limited to 2 GB. */
    private static final long MAP_CHUNK = 1L << 30;
}
