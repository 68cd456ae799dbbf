package io.leadmatch.engine.assign;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Domains that had leads but no CRM account: each gets a provisional account id (derived from the domain, so it
 * is stable) and remembers who got its first lead, so all leads of a not-yet-created company land together. When
 * that rep becomes inactive, the next assignee is pinned instead ({@link #repin}), so the leads keep landing
 * together rather than scattering over the round robin.
 *
 * <p>Persisted, when a file is given, as an append-only tab-separated log ({@code domain, id, first assignee}),
 * one line per new domain and per re-pin, written before the assignment is returned; read back at start-up, where
 * a later line for a domain replaces an earlier one. A snapshot that
 * brings a real account for a domain removes its entry ({@link #retainIf}), and the file is compacted then.
 */
public final class ProvisionalAccounts implements AutoCloseable {
    /** A provisional account. */
    public record Entry(String accountId, String firstAssigneeId) {}

    private final ConcurrentHashMap<String, Entry> byDomain = new ConcurrentHashMap<>();
    private final Path file;
    private BufferedWriter log;

    /** In memory only. */
    public ProvisionalAccounts() {
        this.file = null;
    }

    /** Backed by {@code file} (created when missing; existing entries are loaded). */
    public ProvisionalAccounts(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : lines) {
                    String[] f = line.split("\t", -1);
                    if (f.length == 3 && !f[0].isEmpty()) {
                        byDomain.put(f[0], new Entry(f[1], f[2].isEmpty() ? null : f[2])); // a re-pin follows
                    }
                    // A torn last line (crash mid-write) has fewer fields and is ignored.
                }
            }
            log = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open provisional accounts file " + file, e);
        }
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
    public Entry register(String domain, String assigneeId) {
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
    public Entry repin(String domain, Entry expected, String assigneeId) {
        Entry next = new Entry(expected.accountId(), assigneeId);
        if (!byDomain.replace(domain, expected, next)) {
            Entry now = byDomain.get(domain);
            return now == null ? expected : now;
        }
        append(domain, next);
        return next;
    }

    private synchronized void append(String domain, Entry e) {
        if (log == null) {
            return;
        }
        try {
            log.write(domain + "\t" + e.accountId() + "\t" + (e.firstAssigneeId() == null ? "" : e.firstAssigneeId())
                    + "\n");
            log.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to " + file, ex);
        }
    }

    /** Keeps only the domains {@code keep} accepts (a reload drops those that now have a CRM account). */
    public synchronized int retainIf(Predicate<String> keep) {
        int before = byDomain.size();
        byDomain.keySet().removeIf(keep.negate());
        int removed = before - byDomain.size();
        if (removed > 0 && file != null) {
            compact();
        }
        return removed;
    }

    private void compact() {
        try {
            log.close();
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Map.Entry<String, Entry> e : byDomain.entrySet()) {
                    Entry v = e.getValue();
                    w.write(e.getKey() + "\t" + v.accountId() + "\t"
                            + (v.firstAssigneeId() == null ? "" : v.firstAssigneeId()) + "\n");
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot compact " + file, ex);
        }
    }

    /** Domains with a provisional account (a copy). */
    public List<String> domains() {
        return List.copyOf(byDomain.keySet());
    }

    /** Number of provisional accounts. */
    public int size() {
        return byDomain.size();
    }

    @Override
    public synchronized void close() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException ignored) {
                // best effort: every line was flushed when written
            }
            log = null;
        }
    }
}
