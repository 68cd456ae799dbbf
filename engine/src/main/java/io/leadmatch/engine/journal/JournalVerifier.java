package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The operator's tools for a journal that will not open: {@link #verify} reads every record of every segment and
 * lists what is wrong, {@link #salvage} copies every readable record into a new journal directory. Neither writes
 * to the journal it reads. Invariant of a salvaged journal: it holds exactly the source's readable records, in
 * sequence order, under their own sequences, each with its CRC (the staging ring's included, which a ring written
 * with a boot id holds without one); every gap between them is a seal naming the next sequence present, and it
 * continues above the source's sequence limit, so no assignment id of the source is handed out again.
 */
public final class JournalVerifier {
    private JournalVerifier() {}

    /** One segment as read. */
    public record SegmentSummary(String file, long firstSequence, long nextSequence, long bytes, String end) {}

    /**
     * What {@link #verify} found.
     *
     * @param segments       every segment, in order
     * @param records        readable records in the chain, the staging ring's included
     * @param ringRecords    records only in the staging ring (appended, not yet copied into a segment)
     * @param lastSequence   sequence of the last readable record (0: none)
     * @param problems       damage, each naming its file and offset; empty for a sound journal
     * @param notes          what the next start will do on its own (cut a torn last record), and why
     */
    public record Report(
            List<SegmentSummary> segments,
            long records,
            long ringRecords,
            long lastSequence,
            List<String> problems,
            List<String> notes) {
        /** True when the journal opens without refusing. */
        public boolean sound() {
            return problems.isEmpty();
        }
    }

    /**
     * Checks every record of the journal in {@code dir}; {@code checkpointCovers} is the last sequence a checkpoint
     * covers (0: none), which the segments must reach back to.
     */
    public static Report verify(Path dir, long checkpointCovers) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no journal directory " + dir);
        }
        CRC32C crc = new CRC32C();
        JournalRecord view = new JournalRecord();
        long[] count = {0};
        SegmentChain chain =
                SegmentChain.read(dir, checkpointCovers + 1, Long.MAX_VALUE, true, true, crc, view, r -> count[0]++);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (SegmentChain.Problem p : chain.problems) {
            problems.add(p.message());
        }
        ByteBuffer ring = StagingRing.mapReadOnly(dir);
        boolean ringGap = false;
        if (ring != null
                && chain.problems.isEmpty()
                && StagingRing.check(ring, Journal.BOOT_ID, JournalLock.isLive(dir), crc) == null) {
            long inRing = StagingRing.recordsAfterAGap(ring, chain.next, view);
            if (inRing > 0) {
                problems.add(chain.ringGap(dir, StagingRing.firstUndrained(ring), inRing)
                        .message());
                ringGap = true;
            }
        }
        if (chain.tornAt >= 0 && !ringGap) {
            notes.add("journal segment " + chain.lastFile + " ends in an incomplete record at offset " + chain.tornAt
                    + " (a crash interrupted its write, or a server is writing it now); the next start cuts it");
        }
        long next = chain.next;
        long ringRecords = 0;
        if (ring != null && chain.problems.isEmpty() && !ringGap) {
            CRC32C ringCrc = StagingRing.check(ring, Journal.BOOT_ID, JournalLock.isLive(dir), crc);
            if (ringCrc == StagingRing.SKIP) {
                if (StagingRing.startsWith(ring, StagingRing.drainedOffset(ring), next)) {
                    notes.add("the staging ring holds records from sequence " + next + " written before the machine"
                            + " restarted; they were never forced and the next start discards them");
                }
            } else {
                long[] state = {next, 0};
                long end = StagingRing.walk(ring, StagingRing.drainedOffset(ring), ringCrc, view, state, (r, at) -> {});
                ringRecords = state[0] - next;
                next = state[0];
                int after = StagingRing.startsWith(ring, end & StagingRing.MASK, next)
                        ? StagingRing.countReadableFrom(ring, next + 1, ringCrc)
                        : 0;
                if (after > 0 && state[1] == 0) {
                    problems.add("the staging ring " + dir.resolve(JournalLayout.RING_NAME) + ": the record with"
                            + " sequence " + next + " fails its check, and " + after + " readable record(s) follow it");
                }
            }
        }
        if (checkpointCovers > 0 && next - 1 < checkpointCovers) {
            problems.add("the journal ends at sequence " + (next - 1) + " but the checkpoint covers up to "
                    + checkpointCovers + ": records the checkpoint counted are missing");
        }
        List<SegmentSummary> segments = new ArrayList<>();
        for (SegmentChain.Segment s : chain.segments) {
            segments.add(new SegmentSummary(
                    s.file().getFileName().toString(),
                    s.first(),
                    s.next(),
                    s.bytes(),
                    s.end() == SegmentReader.End.SEALED
                            ? "sealed, next " + s.sealedNext()
                            : s.end().name().toLowerCase(Locale.ROOT)));
        }
        return new Report(
                List.copyOf(segments),
                count[0] + ringRecords,
                ringRecords,
                next - 1,
                List.copyOf(problems),
                List.copyOf(notes));
    }

    /**
     * What {@link #salvage} copied.
     *
     * @param records  readable records copied
     * @param gaps     the sequences missing between them, as "from-to" ranges
     * @param resumeAt the first sequence the salvaged journal hands out
     */
    public record Salvage(long records, List<String> gaps, long resumeAt) {}

    /**
     * Copies every readable record of the journal in {@code dir} (its segments, damaged ones included, then the
     * staging ring's records that continue them) into a new journal in {@code out}, which must not exist or be
     * empty. A server can then start on {@code out}.
     */
    public static Salvage salvage(Path dir, Path out) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no journal directory " + dir);
        }
        if (Files.exists(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(out + " is not empty: salvage writes into a new directory");
                }
            }
        }
        Files.createDirectories(out);
        long sourceLimit;
        try {
            sourceLimit = SequenceLimit.read(dir);
        } catch (JournalCorruptException e) {
            sourceLimit = 0; // the ring and the segments still bound what was handed out
        }
        Copier copier = new Copier(out);
        CRC32C crc = new CRC32C();
        JournalRecord view = new JournalRecord();
        long highest = 0;
        for (Path file : SegmentReader.segments(dir)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buf = SegmentReader.map(ch);
                long first = SegmentReader.firstSequence(file);
                SegmentReader.Result r = SegmentReader.read(buf, first, 1, Long.MAX_VALUE, crc, view, copier);
                if (r.end == SegmentReader.End.CORRUPT || r.end == SegmentReader.End.TORN) {
                    SegmentReader.readable(
                            buf,
                            r.endOffset + JournalLayout.ALIGNMENT,
                            buf.capacity(),
                            r.nextSequence,
                            crc,
                            view,
                            copier);
                }
                if (r.end == SegmentReader.End.SEALED) {
                    highest = Math.max(highest, r.sealedNext - 1);
                }
            }
        }
        ByteBuffer ring = StagingRing.mapReadOnly(dir);
        if (ring != null) {
            CRC32C ringCrc = StagingRing.check(ring, Journal.BOOT_ID, JournalLock.isLive(dir), crc);
            if (ringCrc != StagingRing.SKIP) {
                // After damage at the segments' end the ring's records still count: copied across the gap.
                long[] state = {Math.max(copier.last + 1, StagingRing.firstUndrained(ring)), 0};
                StagingRing.walk(
                        ring, StagingRing.drainedOffset(ring), ringCrc, view, state, (r, at) -> copier.onRecord(r));
            }
        }
        long resumeAt = Math.max(Math.max(copier.last, highest), sourceLimit) + 1;
        copier.finish(resumeAt);
        return new Salvage(copier.records, List.copyOf(copier.gaps), resumeAt);
    }

    /** Writes records into a new journal, sealing across gaps. */
    private static final class Copier implements Journal.RecordHandler {
        private final Path out;
        private final SegmentFiles files;
        private final ByteBuffer staging = ByteBuffer.allocate(JournalLayout.alignedLength(JournalLayout.MAX_PAYLOAD))
                .order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        long last;
        long records;
        final List<String> gaps = new ArrayList<>();
        private IOException failure;

        Copier(Path out) {
            this.out = out;
            this.files = new SegmentFiles(out, ChannelOpener.FILES, FsyncPolicy.ALWAYS);
        }

        @Override
        public void onRecord(JournalRecord r) {
            long s = r.sequence();
            if (s <= last || failure != null) {
                return;
            }
            try {
                int aligned = (r.length() + JournalLayout.ALIGNMENT - 1) & -JournalLayout.ALIGNMENT;
                if (last > 0 && s != last + 1) {
                    gaps.add((last + 1) + "-" + (s - 1));
                }
                if (files.current == null
                        || s != last + 1
                        || !files.fits(aligned, JournalConfig.DEFAULT_SEGMENT_BYTES)) {
                    files.roll(s);
                }
                ByteBuffer src = r.buffer();
                staging.clear();
                staging.put(src.slice(r.base(), r.length()));
                while (staging.position() < aligned) {
                    staging.put((byte) 0);
                }
                // A ring written with a boot id holds its records without their CRC (the writer adds it on copy).
                crc.reset();
                crc.update(staging.slice(JournalLayout.TIME_OFFSET, r.length() - JournalLayout.TIME_OFFSET));
                staging.putInt(JournalLayout.CRC_OFFSET, (int) crc.getValue());
                staging.flip();
                files.write(staging);
                last = s;
                records++;
            } catch (IOException e) {
                failure = e;
            }
        }

        void finish(long resumeAt) throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (files.current == null) {
                files.roll(resumeAt); // nothing readable: an empty journal that starts above the source's sequences
            } else if (resumeAt != last + 1) {
                gaps.add((last + 1) + "-" + (resumeAt - 1) + " (the source may have handed these out)");
                files.roll(resumeAt);
            }
            files.forceAll();
            files.closeQuietly();
            SequenceLimit.write(out, resumeAt - 1, ChannelOpener.FILES);
            SegmentFiles.forceDirectory(out, ChannelOpener.FILES);
        }
    }
}
