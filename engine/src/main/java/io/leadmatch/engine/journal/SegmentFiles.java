package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files being written, guarded by the journal's drain lock. Invariants: {@link #length} is the offset
 * after the last record written whole into the current segment, and bytes a failed write left beyond it are cut
 * before the next write; a segment is sealed ({@link JournalLayout#SEAL}) only once the file of its successor
 * exists in the forced directory, so a sealed last segment always means a missing segment, never a crash.
 */
final class SegmentFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentFiles.class);

    private final Path dir;
    private final ChannelOpener opener;
    /** With {@code none} a rolled-over segment is closed at once; else the next flush forces and closes it. */
    private final boolean keepForFlush;

    private final CRC32C crc = new CRC32C();
    private final ByteBuffer seal =
            ByteBuffer.allocate(JournalLayout.SEAL_LENGTH).order(ByteOrder.LITTLE_ENDIAN);

    /** The segment being appended to, or null before the first record. */
    FileChannel current;
    /** Offset after the last record written whole into {@link #current}. */
    long length;
    /** Segments rolled over but not yet forced and closed. */
    final List<FileChannel> retired = new ArrayList<>(2);
    /** The directory changed since it was last forced. */
    boolean directoryChanged;
    /** A write failed part-way: bytes beyond {@link #length} are to be cut. */
    private boolean dirty;

    SegmentFiles(Path dir, ChannelOpener opener, FsyncPolicy policy) {
        this.dir = dir;
        this.opener = opener;
        this.keepForFlush = policy != FsyncPolicy.NONE;
    }

    /** Continues the existing segment {@code ch} after its last record at {@code end}. */
    void adopt(FileChannel ch, long end) {
        current = ch;
        length = end;
    }

    /** Whether {@code bytes} more fit the current segment, with room left for its seal. */
    boolean fits(long bytes, int segmentBytes) {
        return current != null && length + bytes + JournalLayout.SEAL_LENGTH <= segmentBytes;
    }

    /** Writes {@code staged} at the end of the current segment; the length moves only when all of it is written. */
    void write(ByteBuffer staged) throws IOException {
        if (dirty) {
            current.truncate(length);
            dirty = false;
        }
        long at = length;
        try {
            while (staged.hasRemaining()) {
                at += current.write(staged, at);
            }
        } catch (IOException | RuntimeException e) {
            dirty = true;
            throw e;
        }
        length = at;
    }

    /**
     * Starts the segment whose first record has {@code firstSequence}: creates its file, forces the directory, then
     * seals the current segment with that sequence and retires it (the next flush forces it).
     */
    void roll(long firstSequence) throws IOException {
        FileChannel next = opener.open(
                dir.resolve(JournalLayout.segmentName(firstSequence)),
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (next.size() > 0) {
                next.truncate(0); // left by a roll-over that failed part-way: it never held a record
            }
            forceDirectory(dir, opener);
            if (current != null) {
                seal.clear();
                seal.putInt(0, JournalLayout.SEAL).putLong(JournalLayout.SEAL_NEXT_OFFSET, firstSequence);
                seal.putInt(JournalLayout.SEAL_CRC_OFFSET, SegmentReader.sealCrc(seal, 0, crc));
                write(seal);
                if (keepForFlush) {
                    retired.add(current);
                } else {
                    current.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            next.close();
            throw e;
        }
        current = next;
        length = 0;
        dirty = false;
    }

    /** Forces rolled-over segments (closing them), a changed directory and the current segment. */
    void forceAll() throws IOException {
        while (!retired.isEmpty()) {
            retired.get(0).force(false);
            retired.remove(0).close();
        }
        if (directoryChanged) {
            forceDirectory(dir, opener);
            directoryChanged = false;
        }
        if (current != null) {
            current.force(false);
        }
    }

    /** Closes every channel without forcing (after {@link #forceAll}, or when stopping like a killed process). */
    void closeQuietly() {
        for (FileChannel ch : retired) {
            closeQuietly(ch);
        }
        retired.clear();
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("closing a journal segment: {}", e.toString());
        }
    }

    /** Forces {@code dir}'s entries to the device (where the platform cannot open a directory, nothing to do). */
    static void forceDirectory(Path dir, ChannelOpener opener) throws IOException {
        FileChannel d;
        try {
            d = opener.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            LOG.debug(
                    "cannot open directory {} to force it ({}); file systems without directory fsync are fine", dir, e);
            return;
        }
        try (d) {
            d.force(true);
        }
    }
}
