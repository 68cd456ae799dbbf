package io.leadmatch.engine.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The CRC32C of a whole file, read through memory mappings in one sequential pass: no heap copy, and CRC32C runs
 * on the CPU's own instruction, so the pass costs about what reading the pages costs. Used to verify state files a
 * start-up would otherwise trust blindly (the persisted domain index).
 */
final class FileCrc32c {
    /** Mapped in pieces: a mapping is limited to 2 GB. */
    private static final long MAP_CHUNK = 1L << 30;

    private FileCrc32c() {}

    /** The CRC32C of the file's content (its size is part of what a caller compares, separately). */
    static int of(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long at = 0; at < size; at += MAP_CHUNK) {
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(MAP_CHUNK, size - at));
                crc.update(m);
            }
        }
        return (int) crc.getValue();
    }
}
