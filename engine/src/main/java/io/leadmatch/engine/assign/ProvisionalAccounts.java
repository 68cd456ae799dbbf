package io.leadmatch.engine.assign;

import io.leadmatch.engine.DamagedStateFileException;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.JournalConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Domains that had leads but no CRM account: each gets a provisional account id (derived from the domain, so it
 * is stable) and remembers who got its first lead, so all leads of a not-yet-created company land together. When
 * that rep becomes inactive, the next assignee is pinned instead ({@link #repin}, a line appended like a new entry;
 * at load a later line for a domain replaces an earlier one), so the leads keep landing together.
 *
 * <p>Persisted, when a file is given, as an append-only log: a header line ({@value #HEADER}), then one line per new
 * domain, {@code domain TAB id TAB first assignee TAB crc}, where crc is the CRC32C (8 hex digits) of the line
 * before its last tab. A line is written before the assignment that created it is returned, and forced to the
 * device as the journal's {@link FsyncPolicy} says. This file is the only copy of these entries (no snapshot
 * rebuilds them), so at open every complete line must verify: a damaged one refuses start-up with
 * {@link DamagedStateFileException} (file and line), never a silent drop. Only an unterminated last line is
 * expected damage (a crash mid-append, before the assignment was acknowledged): it is dropped with a warning and
 * cut off before the next append. A file without the header (an older version's, without checksums) is read
 * field by field and rewritten with checksums at the first write.
 *
 * <p>A snapshot that brings a real account for a domain removes its entry ({@link #retainIf}); the file is then
 * rewritten to a temporary name, forced, and renamed over the old one, so a crash leaves the old or the new file,
 * whole. Nothing is written before the first change: an engine that fails to take its data directory (another
 * process's) leaves the file alone.
 */
public final class ProvisionalAccounts implements AutoCloseable {
    /** A provisional account. */
    public record Entry(String accountId, String firstAssigneeId) {}

    /** First line of a file with per-line checksums. */
    static final String HEADER = "#leadmatch-provisional-accounts v2";

    private static final Logger LOG = LoggerFactory.getLogger(ProvisionalAccounts.class);

    private final ConcurrentHashMap<String, Entry> byDomain = new ConcurrentHashMap<>();
    private final Path file;
    private final JournalConfig durability;
    /** Bytes of the file up to its last complete line; what follows is a torn append. */
    private long validLength;
    /** The file has no header (an older version's): rewrite it before appending. */
    private boolean legacy;

    private FileChannel log;
    private ScheduledExecutorService flusher;
    private boolean dirty;
    private boolean closed;

    /** In memory only. */
    public ProvisionalAccounts() {
        this.file = null;
        this.durability = null;
    }

    /** Backed by {@code file}, forced to the device as {@link JournalConfig#defaults()} says. */
    public ProvisionalAccounts(Path file) {
        this(file, JournalConfig.defaults());
    }

    /**
     * Backed by {@code file} (existing entries are loaded and verified; the file is created at the first entry).
     *
     * @param durability the journal's settings: its fsync policy and batch interval apply to this file too
     * @throws DamagedStateFileException when a complete line of the file fails its check
     */
    public ProvisionalAccounts(Path file, JournalConfig durability) {
        this.file = file;
        this.durability = durability;
        if (!Files.exists(file)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read provisional accounts file " + file, e);
        }
        load(bytes);
    }

    private void load(byte[] bytes) {
        int lastNewline = -1;
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        validLength = lastNewline + 1;
        if (validLength < bytes.length) {
            LOG.warn(
                    "{}: dropping an unterminated last line of {} bytes (an append cut short by a crash, before its"
                            + " assignment was acknowledged)",
                    file,
                    bytes.length - validLength);
        }
        String text = new String(bytes, 0, (int) validLength, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return;
        }
        String[] lines = text.split("\n", -1); // the last element is the empty rest after the final newline
        legacy = !lines[0].equals(HEADER);
        for (int i = legacy ? 0 : 1; i < lines.length - 1; i++) {
            String line = lines[i];
            String[] f = line.split("\t", -1);
            if (legacy) {
                if (f.length != 3 || f[0].isEmpty() || f[1].isEmpty()) {
                    throw new DamagedStateFileException(
                            file, i + 1, "expected domain, id and first assignee separated by tabs");
                }
            } else {
                if (f.length != 4 || f[0].isEmpty() || f[1].isEmpty()) {
                    throw new DamagedStateFileException(
                            file, i + 1, "expected domain, id, first assignee and checksum separated by tabs");
                }
                String body = line.substring(0, line.lastIndexOf('\t'));
                if (!f[3].equals(crcHex(body))) {
                    throw new DamagedStateFileException(
                            file,
                            i + 1,
                            "checksum " + f[3] + " does not match the entry (CRC32C " + crcHex(body) + ")");
                }
            }
            byDomain.put(f[0], new Entry(f[1], f[2].isEmpty() ? null : f[2])); // a later line (a re-pin) wins
        }
    }

    private static String crcHex(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%08x", (int) crc.getValue());
    }

    /** One line of the file, with its newline. */
    static String line(String domain, Entry e) {
        String body = domain + "\t" + e.accountId() + "\t" + (e.firstAssigneeId() == null ? "" : e.firstAssigneeId());
        return body + "\t" + crcHex(body) + "\n";
    }

    /** The provisional id a domain has or would get. */
    public static String idFor(CharSequence domain) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < domain.length(); i++) {
            h ^= domain.charAt(i);
            h *= 0x100000001b3L;
        }
        return "PROV-" + Long.toHexString(h).toUpperCase(Locale.ROOT);
    }

    /** The entry of a domain, or null. */
    public Entry get(String domain) {
        return byDomain.get(domain);
    }

    /** Records the first assignee of a domain; returns the entry now in force (an earlier one wins). */
    Entry register(String domain, String assigneeId) {
        Entry existing = byDomain.get(domain);
        if (existing != null) {
            return existing;
        }
        Entry[] created = new Entry[1];
        Entry e = byDomain.computeIfAbsent(domain, d -> created[0] = new Entry(idFor(d), assigneeId));
        if (created[0] != null) {
            append(domain, created[0]);
        }
        return e;
    }

    /**
     * Pins a domain to {@code assigneeId} in place of {@code expected} (whose rep became inactive); persisted like a
     * new entry. Returns the entry now in force: unchanged when another call re-pinned it first.
     */
    Entry repin(String domain, Entry expected, String assigneeId) {
        Entry next = new Entry(expected.accountId(), assigneeId);
        if (!byDomain.replace(domain, expected, next)) {
            Entry now = byDomain.get(domain);
            return now == null ? expected : now;
        }
        append(domain, next);
        return next;
    }

    private synchronized void append(String domain, Entry e) {
        if (file == null || closed) {
            return;
        }
        try {
            if (log == null && legacy) {
                legacy = false;
                rewrite(); // holds every entry in the map, this one included
                return;
            }
            if (log == null) {
                openForAppend();
            }
            write(log, line(domain, e));
            if (durability.fsync() == FsyncPolicy.ALWAYS) {
                log.force(false);
            } else {
                dirty = true;
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to " + file, ex);
        }
    }

    /** Makes the file ready for appends: a torn last line is cut off, a new file gets its header. */
    private void openForAppend() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (ch.size() > validLength) {
                ch.truncate(validLength);
            }
            if (validLength == 0) {
                write(ch, HEADER + "\n");
                validLength = ch.size();
            }
            ch.force(true);
        }
        log = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (durability.fsync() == FsyncPolicy.BATCH && flusher == null) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "provisional-accounts-flusher");
                t.setDaemon(true);
                return t;
            });
            long every = durability.batchInterval().toNanos();
            flusher.scheduleWithFixedDelay(this::forceIfDirty, every, every, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void forceIfDirty() {
        if (dirty && log != null) {
            try {
                log.force(false);
                dirty = false;
            } catch (IOException e) {
                LOG.warn("cannot force {} to the device: {}", file, e.toString());
            }
        }
    }

    private static void write(FileChannel ch, String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Keeps only the domains {@code keep} accepts (a reload drops those that now have a CRM account). */
    public synchronized int retainIf(Predicate<String> keep) {
        int before = byDomain.size();
        byDomain.keySet().removeIf(keep.negate());
        int removed = before - byDomain.size();
        if (removed > 0 && file != null && !closed) {
            try {
                legacy = false;
                rewrite();
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot compact " + file, ex);
            }
        }
        return removed;
    }

    /** Writes every entry to a temporary file, forces it, renames it over the file and forces the directory. */
    private void rewrite() throws IOException {
        if (log != null) {
            log.close();
            log = null;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<String, Entry> e : byDomain.entrySet()) {
            sb.append(line(e.getKey(), e.getValue()));
        }
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            write(ch, sb.toString());
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(file.toAbsolutePath().getParent());
        validLength = Files.size(file);
        openForAppend();
    }

    /** Makes a rename durable: on Linux a directory opened for reading can be forced. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Not every platform lets a directory be opened; the rename still happened.
        }
    }

    /** Domains with a provisional account (a copy). */
    List<String> domains() {
        return List.copyOf(byDomain.keySet());
    }

    /** Number of provisional accounts. */
    public int size() {
        return byDomain.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (flusher != null) {
            flusher.shutdownNow();
            flusher = null;
        }
        if (log != null) {
            try {
                if (durability.fsync() != FsyncPolicy.NONE) {
                    log.force(false);
                }
                log.close();
            } catch (IOException ignored) {
                // best effort: every line was written when its entry was made
            }
            log = null;
        }
    }
}
