package io.leadmatch.engine.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.LoggerFactory;

/**
 * The content fingerprint of an export ({@link IndexFingerprint#ofExport}), remembered beside the metadata of its
 * files, so that a restart with untouched files need not read the whole export to learn that nothing changed.
 *
 * <p>The metadata per file: its absolute path, size, modification time, change time and file key (device and
 * inode). The change time is the kernel's: set on every write and every metadata change, and not settable from user
 * space — {@code cp -p}, {@code rsync} and {@code touch} can restore a modification time but not a change time, and
 * replacing a file gives it a new inode. Git's index trusts the same set to skip reading unchanged files. Where the
 * file system has no change time (not Unix), nothing is remembered and the content is read every time.
 *
 * <p>Time stamps have a granularity (a kernel tick for change times on many Linux versions), so a file rewritten
 * within one tick of being read could keep all of them. As with git's "racily clean" entries, files changed less
 * than {@link #SETTLE_MILLIS} ago are not trusted: their content is read, and the stamp waits for a later start.
 */
final class ExportStamp {
    private static final List<String> FILES = List.of(
            CsvSnapshotReader.ACCOUNTS,
            CsvSnapshotReader.ALIASES,
            CsvSnapshotReader.USERS,
            CsvSnapshotReader.OPPORTUNITIES);

    /** Files changed more recently than this are read, not trusted by their metadata. */
    static final long SETTLE_MILLIS = 2_000;

    private ExportStamp() {}

    /**
     * The metadata of the export's files as one line, or null when it cannot be had (no change time, a file
     * unreadable) or a file changed too recently to be trusted: then the content is read, and nothing remembered.
     */
    public static String metadata(Path snapshotDir) {
        return metadata(snapshotDir, System.currentTimeMillis());
    }

    static String metadata(Path snapshotDir, long nowMillis) {
        StringBuilder b = new StringBuilder("v1");
        try {
            for (String name : FILES) {
                Path f = snapshotDir.resolve(name).toAbsolutePath();
                b.append('|').append(f);
                if (!Files.exists(f)) {
                    b.append(" absent");
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                FileTime ctime = (FileTime) Files.getAttribute(f, "unix:ctime");
                Object key = a.fileKey();
                if (key == null
                        || ctime.toMillis() > nowMillis - SETTLE_MILLIS
                        || a.lastModifiedTime().toMillis() > nowMillis - SETTLE_MILLIS) {
                    return null;
                }
                b.append(' ')
                        .append(a.size())
                        .append(' ')
                        .append(nanos(a.lastModifiedTime()))
                        .append(' ')
                        .append(nanos(ctime))
                        .append(' ')
                        .append(key);
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
        return b.toString().replace('\n', ' ');
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    /** The fingerprint remembered in {@code stampFile} for exactly this {@code metadata}, or null. */
    public static String recorded(Path stampFile, String metadata) {
        if (metadata == null || stampFile == null || !Files.isRegularFile(stampFile)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(stampFile, StandardCharsets.UTF_8);
            if (lines.size() == 2) {
                return null; // an older version's stamp, without a checksum: read the content once
            }
            if (lines.size() != 3 || !lines.get(2).equals(crc(lines.get(0), lines.get(1)))) {
                // A damaged stamp would name another export: the change log would be set aside as superseded.
                LoggerFactory.getLogger(ExportStamp.class)
                        .warn("{} is damaged (checksum mismatch); reading the export to fingerprint it", stampFile);
                return null;
            }
            if (lines.get(0).equals(metadata) && lines.get(1).matches("[0-9a-f]{16}")) {
                return lines.get(1);
            }
        } catch (IOException | RuntimeException e) {
            // unreadable or foreign: read the content instead
        }
        return null;
    }

    /** The stamp's third line: the CRC32C of the first two, so a damaged stamp is never taken for another export. */
    private static String crc(String metadata, String fingerprint) {
        CRC32C c = new CRC32C();
        c.update((metadata + "\n" + fingerprint).getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "crc32c=%08x", (int) c.getValue());
    }

    /**
     * Remembers {@code fingerprint} for {@code metadata} (taken before the content was read, and found the same
     * after), replacing the file atomically. Failing to write only costs the next start a read of the content.
     */
    public static void record(Path stampFile, String metadata, String fingerprint) {
        if (metadata == null || stampFile == null) {
            return;
        }
        try {
            Files.createDirectories(stampFile.getParent());
            Path tmp = stampFile.resolveSibling(stampFile.getFileName() + ".tmp");
            Files.writeString(
                    tmp,
                    metadata + "\n" + fingerprint + "\n" + crc(metadata, fingerprint) + "\n",
                    StandardCharsets.UTF_8);
            try {
                Files.move(tmp, stampFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, stampFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(ExportStamp.class).debug("cannot write {}: {}", stampFile, e.toString());
        }
    }
}
