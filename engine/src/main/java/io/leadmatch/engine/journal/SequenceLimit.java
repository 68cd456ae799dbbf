package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The persisted upper bound of the sequences a journal may hand out ({@link JournalLayout#LIMIT_NAME}). Invariant:
 * the file on the device always names a sequence at least as high as any sequence appended so far, because it is
 * raised (atomically: temporary file, force, rename, directory force) before appends reach it. After a crash that
 * lost records, the journal continues above this limit, so a sequence — and the assignment id made of it — is
 * never handed out twice.
 */
final class SequenceLimit {
    /** How far ahead of the appenders the limit is raised: one write per this many records. */
    static final long BLOCK = 1 << 20;

    private SequenceLimit() {}

    /** The limit in {@code dir}, or 0 when there is none yet. */
    static long read(Path dir) throws IOException {
        Path file = dir.resolve(JournalLayout.LIMIT_NAME);
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        if (bytes.length == 16) {
            crc.update(bytes, 0, 12);
        }
        if (bytes.length != 16 || b.getInt(0) != JournalLayout.LIMIT_MAGIC || b.getInt(12) != (int) crc.getValue()) {
            throw new JournalCorruptException(
                    file,
                    -1,
                    "the journal's sequence limit " + file + " is damaged, so the journal cannot tell which"
                            + " assignment ids it may have handed out; restore it, or delete it if ids of records lost"
                            + " to a crash may be handed out again");
        }
        return b.getLong(4);
    }

    /** Makes {@code limit} the persisted limit in {@code dir}. */
    static void write(Path dir, long limit, ChannelOpener opener) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, JournalLayout.LIMIT_MAGIC).putLong(4, limit);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 12);
        b.putInt(12, (int) crc.getValue());
        Path tmp = dir.resolve(JournalLayout.LIMIT_NAME + ".tmp");
        try (FileChannel ch = opener.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(
                tmp,
                dir.resolve(JournalLayout.LIMIT_NAME),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        SegmentFiles.forceDirectory(dir, opener);
    }
}
