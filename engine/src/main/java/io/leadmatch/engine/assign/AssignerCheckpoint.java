package io.leadmatch.engine.assign;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assigner's checkpoint: the whole assignment state (team schedulers with their parked members, absences,
 * open-lead counts, remembered answers with their lead fingerprints) as of one journal sequence, so that a start
 * replays only the records after it. Invariant: it is written to a temporary file, forced and renamed over the
 * old one, so a reader finds the old or the new one whole; one that is damaged (CRC-32C) or of another version is
 * never trusted: the journal is replayed from its start instead.
 *
 * <p>Version 2: credits are lag × {@link WeightedRoundRobin#LEAD} and extra turns served are kept; a version-1
 * checkpoint is not read (replaying the journal recomputes every credit).
 */
final class AssignerCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(AssignerCheckpoint.class);

    /** File name of the checkpoint in the journal directory. */
    static final String FILE = "checkpoint";

    private static final String CHECKPOINT = FILE;
    static final int CHECKPOINT_MAGIC = 0x4c4d4350; // "LMCP"
    static final int CHECKPOINT_VERSION = 2;

    private AssignerCheckpoint() {}

    /**
     * Loads the checkpoint, if there is a valid one; returns the journal sequence it covers (0: none). A damaged
     * checkpoint is ignored (the whole journal is replayed instead), never trusted.
     */
    static long read(
            Path checkpointFile,
            Map<String, TeamScheduler> schedulers,
            Absences absences,
            IdempotencyCache<Assignment> answers) {
        if (!Files.exists(checkpointFile)) {
            return 0;
        }
        try {
            byte[] bytes = Files.readAllBytes(checkpointFile);
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - 4);
            ByteBuffer tail = ByteBuffer.wrap(bytes, bytes.length - 4, 4);
            if (bytes.length < 24 || (int) crc.getValue() != tail.getInt()) {
                LOG.warn("journal checkpoint {} is damaged (CRC); replaying the whole journal", checkpointFile);
                return 0;
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
            if (in.readInt() != CHECKPOINT_MAGIC || in.readInt() != CHECKPOINT_VERSION) {
                LOG.warn("journal checkpoint {} has an unknown format; replaying the whole journal", checkpointFile);
                return 0;
            }
            long covered = in.readLong();
            int teams = in.readInt();
            for (int i = 0; i < teams; i++) {
                TeamScheduler t = TeamScheduler.readFrom(in, absences.openLeadsOf);
                schedulers.put(t.teamId(), t);
            }
            int aways = in.readInt();
            for (int i = 0; i < aways; i++) {
                absences.setAway(in.readUTF(), new Absences.Away(in.readLong(), in.readUTF()));
            }
            int opens = in.readInt();
            for (int i = 0; i < opens; i++) {
                absences.setOpenLeads(in.readUTF(), in.readInt());
            }
            int remembered = in.readInt();
            for (int i = 0; i < remembered; i++) {
                String requestId = in.readUTF();
                long expires = in.readLong();
                long fingerprint = in.readLong();
                Assignment a = new Assignment(
                        in.readUTF(),
                        AssignmentRule.valueOf(in.readUTF()),
                        in.readUTF(),
                        in.readUTF(),
                        in.readUTF(),
                        in.readUTF());
                answers.rememberUntil(requestId, a, fingerprint, expires);
            }
            return covered;
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "journal checkpoint {} cannot be read ({}); replaying the whole journal",
                    checkpointFile,
                    e.toString());
            schedulers.clear();
            absences.clear();
            return 0;
        }
    }

    /**
     * Writes the whole assignment state as of journal sequence {@code covered}, so the next start replays only what
     * comes after: the checkpointer's shadow state while the engine serves, the live state when the engine closes
     * (after the server has drained: no decision in flight). Written to a temporary file through {@code buffer},
     * forced, then renamed over the old one.
     */
    static void write(
            Path checkpointFile,
            long covered,
            Collection<TeamScheduler> schedulers,
            Absences absences,
            IdempotencyCache<Assignment> answers,
            WriteBuffer buffer)
            throws IOException {
        Path tmp = checkpointFile.resolveSibling(CHECKPOINT + ".tmp");
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = Channels.newOutputStream(ch);
            CheckedOutputStream checked = new CheckedOutputStream(buffer.to(raw), crc);
            DataOutputStream out = new DataOutputStream(checked);
            out.writeInt(CHECKPOINT_MAGIC);
            out.writeInt(CHECKPOINT_VERSION);
            out.writeLong(covered);
            List<TeamScheduler> teams = new ArrayList<>(schedulers);
            out.writeInt(teams.size());
            for (TeamScheduler t : teams) {
                t.writeTo(out);
            }
            Map<String, Absences.Away> aways = absences.awayCopy();
            out.writeInt(aways.size());
            for (Map.Entry<String, Absences.Away> e : aways.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().untilMillis());
                out.writeUTF(e.getValue().reason());
            }
            Map<String, Integer> opens = absences.openLeadsCopy();
            out.writeInt(opens.size());
            for (Map.Entry<String, Integer> e : opens.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
            List<Object[]> remembered = new ArrayList<>();
            answers.forEachLive(
                    (id, a, fingerprint, expires) -> remembered.add(new Object[] {id, a, expires, fingerprint}));
            out.writeInt(remembered.size());
            for (Object[] r : remembered) {
                Assignment a = (Assignment) r[1];
                out.writeUTF((String) r[0]);
                out.writeLong((Long) r[2]);
                out.writeLong((Long) r[3]);
                out.writeUTF(a.assignmentId());
                out.writeUTF(a.rule().name());
                out.writeUTF(a.teamId());
                out.writeUTF(a.assigneeId());
                out.writeUTF(a.assigneeName());
                out.writeUTF(truncated(a.explanation()));
            }
            out.flush();
            raw.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            raw.flush();
            ch.force(true);
        }
        Files.move(tmp, checkpointFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(checkpointFile.getParent(), StandardOpenOption.READ)) {
            d.force(true); // the rename itself
        }
    }

    /**
     * The checkpoint's write buffer, kept from one checkpoint to the next by its writer (one thread at a time): a
     * checkpoint is written every few hundred thousand records while the engine serves, and a fresh 64 KiB buffer
     * each time would be most of what the serving process allocates.
     */
    static final class WriteBuffer extends BufferedOutputStream {
        WriteBuffer() {
            super(OutputStream.nullOutputStream(), 1 << 16);
        }

        /** This buffer, empty, writing to {@code target}. */
        WriteBuffer to(OutputStream target) {
            this.out = target;
            this.count = 0;
            return this;
        }
    }

    /** The last sequence the checkpoint {@code file} covers: 0 when there is none, -1 when it is damaged. */
    static long covers(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 24) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if ((int) crc.getValue() != b.getInt(bytes.length - 4)
                || b.getInt(0) != CHECKPOINT_MAGIC
                || b.getInt(4) != CHECKPOINT_VERSION) {
            return -1;
        }
        return b.getLong(8);
    }

    /** writeUTF takes at most 65,535 bytes; explanations are far shorter, but a checkpoint must never fail. */
    private static String truncated(String s) {
        return s.length() > 16_000 ? s.substring(0, 16_000) : s;
    }
}
