package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The segments of a journal directory read as one chain. Invariant: the records it hands out run without a gap
 * from the first one asked for, except across a seal that names a later sequence; anything else — a first segment
 * that starts after what the checkpoint covers, a segment missing in the middle or at the end, a record that fails
 * its check with readable records after it — is a {@link Problem}, thrown as a {@link JournalCorruptException} (or
 * collected, for {@code verify}). Only the last segment may end in a torn tail, which {@link #tornAt} reports for
 * recovery to cut.
 */
final class SegmentChain {
    /** One place where the journal is damaged. */
    record Problem(Path file, long offset, String message) {
        JournalCorruptException exception() {
            return new JournalCorruptException(file, offset, message);
        }
    }

    /** One segment as read. */
    record Segment(Path file, long first, long next, long bytes, SegmentReader.End end, long sealedNext) {}

    /** Sequence after the last readable record of the chain. */
    long next = 1;
    /** The last segment, or null when there is none. */
    Path lastFile;
    /** Offset after the last readable record of the last segment. */
    long lastEnd;
    /** Offset of a torn tail of the last segment to cut, or -1. */
    long tornAt = -1;
    /** Segment files present. */
    int segmentCount;
    /** Records handed out. */
    long records;

    final List<Segment> segments = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();
    private final boolean collect;

    private SegmentChain(boolean collect) {
        this.collect = collect;
    }

    /**
     * Reads the chain in {@code dir}, handing every record with a sequence in {@code [from, to]} to {@code handler};
     * segments entirely before {@code from} are passed over unread. With {@code checkStart}, the first segment
     * must start at or before {@code from} ({@code from - 1} is what a checkpoint covers, or 0). With
     * {@code collect}, problems are collected (and reading goes on with the next segment) instead of thrown.
     */
    static SegmentChain read(
            Path dir,
            long from,
            long to,
            boolean checkStart,
            boolean collect,
            CRC32C crc,
            JournalRecord view,
            Journal.RecordHandler handler)
            throws JournalCorruptException, IOException {
        SegmentChain c = new SegmentChain(collect);
        List<Path> files = SegmentReader.segments(dir);
        c.segmentCount = files.size();
        long expected = -1;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            long first = SegmentReader.firstSequence(file);
            boolean last = i == files.size() - 1;
            if (i == 0) {
                if (checkStart && first > Math.max(1, from)) {
                    c.problem(
                            file,
                            -1,
                            "journal segment " + file.getFileName() + " is the first one but starts at sequence "
                                    + first + ", and "
                                    + (from <= 1
                                            ? "no checkpoint covers the records before it"
                                            : "the checkpoint covers only up to sequence " + (from - 1))
                                    + ": the segment(s) before it are missing");
                }
                c.next = first;
            } else if (expected >= 0 && first != expected) {
                Path previous = files.get(i - 1);
                c.problem(
                        previous,
                        -1,
                        first > expected
                                ? "journal segment " + previous.getFileName() + " ends before sequence " + expected
                                        + " but the next segment, " + file.getFileName() + ", starts at " + first
                                        + ": a segment is missing"
                                : "journal segments " + previous.getFileName() + " and " + file.getFileName()
                                        + " overlap (the next one starts at " + first + ", before " + expected + ")");
            }
            if (!last && !collect && SegmentReader.firstSequence(files.get(i + 1)) <= from) {
                expected = SegmentReader.firstSequence(files.get(i + 1));
                c.next = expected;
                continue; // every record of this segment is older than from
            }
            SegmentReader.Result r;
            long size;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buf = SegmentReader.map(ch);
                size = buf.capacity();
                long before = Math.max(first, from);
                r = SegmentReader.read(buf, first, from, to, crc, view, handler);
                c.records += Math.max(0, r.nextSequence - before);
                if (r.end == SegmentReader.End.CORRUPT) {
                    c.corrupt(file, r, files.subList(i + 1, files.size()), crc);
                }
            }
            c.segments.add(new Segment(file, first, r.nextSequence, size, r.end, r.sealedNext));
            c.next = r.nextSequence;
            c.lastFile = file;
            c.lastEnd = r.endOffset;
            switch (r.end) {
                case STOPPED:
                    return c;
                case SEALED:
                    if (r.sealedNext < r.nextSequence) {
                        c.problem(
                                file,
                                r.endOffset,
                                "journal segment " + file.getFileName() + " is sealed at offset " + r.endOffset
                                        + " with next sequence " + r.sealedNext + ", before its own last record");
                    } else if (last) {
                        c.problem(
                                file,
                                r.endOffset,
                                "journal segment " + file.getFileName() + " is sealed (offset " + r.endOffset
                                        + "): the next segment, " + JournalLayout.segmentName(r.sealedNext)
                                        + ", is missing");
                    }
                    expected = r.sealedNext;
                    break;
                case TORN:
                    if (last) {
                        c.tornAt = r.endOffset;
                    }
                    expected = r.nextSequence; // before a next segment: a seal torn by a crash
                    break;
                case CORRUPT:
                    expected = -1; // collected: go on with the next segment
                    break;
                default:
                    expected = r.nextSequence;
                    break;
            }
        }
        return c;
    }

    /**
     * The damage when the staging ring, written in this boot, continues at {@code ringFirst} after the segments end
     * (at {@link #next}, or in a record that fails its check: {@link #tornAt}) with {@code inRing} readable records:
     * not a torn tail, since the records after it were acknowledged.
     */
    Problem ringGap(Path dir, long ringFirst, long inRing) {
        String tail = inRing + " readable record(s) follow it in the staging ring: the journal is damaged (a crash only"
                + " ever tears the last record); run `leadmatch journal verify` and `leadmatch journal salvage`";
        if (tornAt >= 0) {
            return new Problem(
                    lastFile,
                    tornAt,
                    "journal segment " + lastFile + ": the record at offset " + tornAt + " (sequence " + next
                            + ") fails its check, and " + tail);
        }
        Path ring = dir.resolve(JournalLayout.RING_NAME);
        return new Problem(
                ring,
                -1,
                "the journal's staging ring " + ring + " continues at sequence " + ringFirst + " but the segments end"
                        + " at sequence " + (next - 1) + ": the records between are missing, and " + tail);
    }

    private void corrupt(Path file, SegmentReader.Result r, List<Path> later, CRC32C crc) throws IOException {
        long inLater = 0;
        for (Path f : later) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                ByteBuffer buf = SegmentReader.map(ch);
                inLater += SegmentReader.countReadable(buf, 0, buf.capacity(), SegmentReader.firstSequence(f), crc);
            }
        }
        problem(
                file,
                r.endOffset,
                "journal segment " + file + ": the record at offset " + r.endOffset + " (sequence " + r.nextSequence
                        + ") fails its check, and " + r.readableAfter + " readable record(s) follow it in this segment"
                        + (later.isEmpty() ? "" : " and " + inLater + " in the " + later.size() + " later segment(s)")
                        + ": the journal is damaged (a crash only ever tears the last record); run `leadmatch"
                        + " journal verify` and `leadmatch journal salvage`");
    }

    private void problem(Path file, long offset, String message) throws JournalCorruptException {
        Problem p = new Problem(file, offset, message);
        if (!collect) {
            throw p.exception();
        }
        problems.add(p);
    }
}
