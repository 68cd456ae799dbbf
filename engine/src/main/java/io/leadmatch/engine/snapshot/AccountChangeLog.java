package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.SnapshotException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.LoggerFactory;

/**
 * The durable record of incremental account changes since the last full load: an append-only file in the data
 * directory, one frame per accepted batch, forced to disk before the batch is acknowledged. At start-up (and on a
 * reload of the same snapshot) the engine replays it on top of the loaded snapshot, so an acknowledged batch is
 * never lost to a restart.
 *
 * <p>The log names its <em>base</em>: a fingerprint of the snapshot the changes were applied to. A load of a
 * different snapshot (a new export, which is expected to contain the changes) supersedes the log: it is kept
 * as {@link #SUPERSEDED} for inspection and a new, empty log starts on the new base.
 *
 * <p>Format: a header line {@code leadmatch-account-changes v1 base=<base>\n}, then frames of
 * {@code int length, int CRC32C, payload}. A frame cut short at the end of the file is a batch whose append
 * did not complete (the process died before acknowledging it); it is cut off at start-up. A damaged frame followed
 * by more data is corruption and fails the start-up with the frame's offset.
 */
final class AccountChangeLog implements AutoCloseable {
    /** File name in the data directory. */
    public static final String FILE = "account-changes.log";
    /** Where a superseded log is kept (the previous one is replaced). */
    public static final String SUPERSEDED = "account-changes.superseded.log";

    private static final String HEADER_PREFIX = "leadmatch-account-changes v1 base=";
    /** A frame larger than this is damage, not a batch. */
    private static final int MAX_FRAME = 256 << 20;

    private final Path file;
    private final String base;
    private final List<AccountChange.Batch> batches;
    private FileChannel channel;

    private AccountChangeLog(Path file, String base, List<AccountChange.Batch> batches, FileChannel channel) {
        this.file = file;
        this.base = base;
        this.batches = batches;
        this.channel = channel;
    }

    /**
     * Opens the log in {@code dataDir} for a snapshot whose fingerprint is {@code base} (null: a source without
     * a fingerprint, such as a database, whose every load supersedes earlier changes). Batches recorded on the
     * same base are returned by {@link #batches()} for replay; a log on another base is superseded.
     */
    public static AccountChangeLog open(Path dataDir, String base) throws SnapshotException {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            List<AccountChange.Batch> batches = new ArrayList<>();
            if (Files.isRegularFile(file) && Files.size(file) > 0) {
                String logged = readBase(file);
                if (base != null && base.equals(logged)) {
                    batches = readBatches(file);
                } else {
                    Files.move(file, dataDir.resolve(SUPERSEDED), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (batches.isEmpty()) {
                writeHeader(file, base);
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new AccountChangeLog(file, base, batches, ch);
        } catch (IOException e) {
            throw new SnapshotException(file.toString(), 0, "cannot open the account change log: " + e.getMessage(), e);
        }
    }

    /** Every batch recorded on this base, in the order they were accepted: what a replay applies. */
    public synchronized List<AccountChange.Batch> batches() {
        return List.copyOf(batches);
    }

    /** The fingerprint of the snapshot the logged changes apply to. */
    public String base() {
        return base;
    }

    /** The log file. */
    public Path file() {
        return file;
    }

    /**
     * Appends a batch and forces it to disk. When this returns the batch survives a crash; when it throws, the
     * file is as before (a partial frame is cut off) and the batch must not be applied.
     */
    public synchronized void append(AccountChange.Batch batch) throws IOException {
        byte[] payload = encode(batch);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer frame = ByteBuffer.allocate(8 + payload.length);
        frame.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        long before = channel.size();
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            channel.force(false);
            batches.add(batch);
        } catch (IOException e) {
            try {
                channel.truncate(before);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed); // the next start-up cuts the partial frame off
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeHeader(Path file, String base) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(
                    (HEADER_PREFIX + (base == null ? "-" : base) + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String readBase(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            String line = readHeaderLine(in);
            if (line == null || !line.startsWith(HEADER_PREFIX)) {
                throw new IOException(file + ":1: not an account change log (header '" + HEADER_PREFIX + "...')");
            }
            return line.substring(HEADER_PREFIX.length());
        }
    }

    private static String readHeaderLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 || line.size() > 4096) {
                return null;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Reads every complete frame; cuts off a torn last frame; fails on damage in the middle. */
    private static List<AccountChange.Batch> readBatches(Path file) throws IOException, SnapshotException {
        List<AccountChange.Batch> out = new ArrayList<>();
        long size = Files.size(file);
        long good;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            good = readHeaderLine(in).getBytes(StandardCharsets.UTF_8).length + 1;
            while (good < size) {
                String damage = null;
                byte[] payload = null;
                if (size - good < 8) {
                    damage = "frame header cut short";
                } else {
                    int length = in.readInt();
                    int crc = in.readInt();
                    if (length < 0 || length > MAX_FRAME || length > size - good - 8) {
                        damage = "frame of " + length + " bytes does not fit";
                    } else {
                        payload = new byte[length];
                        in.readFully(payload);
                        CRC32C c = new CRC32C();
                        c.update(payload);
                        if ((int) c.getValue() != crc) {
                            damage = "checksum mismatch";
                            if (good + 8 + length < size) {
                                throw new SnapshotException(
                                        file.toString(),
                                        0,
                                        "damaged batch " + (out.size() + 1)
                                                + " at byte " + good + " (" + damage + ") with more batches after it;"
                                                + " restore the file or remove it to drop the changes");
                            }
                        }
                    }
                }
                if (damage != null) {
                    // A torn append: never acknowledged, so dropping it loses nothing a caller was told is safe.
                    LoggerFactory.getLogger(AccountChangeLog.class)
                            .warn("{}: cutting off an incomplete last batch at byte {} ({})", file, good, damage);
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(good);
                        ch.force(true);
                    }
                    break;
                }
                out.add(decode(payload, file, good));
                good += 8 + payload.length;
            }
        } catch (EOFException e) {
            throw new SnapshotException(file.toString(), 0, "unexpected end of the account change log", e);
        }
        return out;
    }

    private static byte[] encode(AccountChange.Batch batch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(batch.upserts().size());
            for (AccountChange a : batch.upserts()) {
                for (String s : new String[] {
                    a.id(), a.name(), a.website(), a.ownerId(), a.type(), a.country(), a.state(), a.parentId()
                }) {
                    writeString(out, s);
                }
                out.writeInt(a.otherDomains().size());
                for (String d : a.otherDomains()) {
                    writeString(out, d);
                }
            }
            out.writeInt(batch.deletes().size());
            for (String id : batch.deletes()) {
                writeString(out, id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    private static AccountChange.Batch decode(byte[] payload, Path file, long offset) throws SnapshotException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int n = in.readInt();
            List<AccountChange> upserts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String id = readString(in);
                String name = readString(in);
                String website = readString(in);
                String owner = readString(in);
                String type = readString(in);
                String country = readString(in);
                String state = readString(in);
                String parent = readString(in);
                int m = in.readInt();
                List<String> other = new ArrayList<>(m);
                for (int j = 0; j < m; j++) {
                    other.add(readString(in));
                }
                upserts.add(new AccountChange(id, name, website, other, owner, type, country, state, parent));
            }
            int d = in.readInt();
            List<String> deletes = new ArrayList<>(d);
            for (int i = 0; i < d; i++) {
                deletes.add(readString(in));
            }
            return new AccountChange.Batch(upserts, deletes);
        } catch (IOException | RuntimeException e) {
            throw new SnapshotException(file.toString(), 0, "undecodable batch at byte " + offset + ": " + e, e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("string of " + n + " bytes does not fit");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
