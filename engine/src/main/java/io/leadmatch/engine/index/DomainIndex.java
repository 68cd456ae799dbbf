package io.leadmatch.engine.index;

import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import it.unimi.dsi.fastutil.objects.Object2LongMap;
import it.unimi.dsi.fastutil.objects.Object2LongOpenHashMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.values.Values;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain → account index: an off-heap Chronicle Map from domain to a packed {@code long} entry (layout in
 * {@link DomainEntryLayout}), persisted in the data directory or held in anonymous off-heap memory.
 *
 * <p>Besides the map, an on-heap filter remembers which registrable domains have indexed subdomains
 * ({@code emea.example-corp.com} under {@code example-corp.com}), so the subdomain walk-up costs one off-heap
 * probe per label only for those domains; every other lookup is a single probe. The filter stores 64-bit hashes:
 * a false positive only costs extra probes, never a wrong answer.
 *
 * <p>Lookups are thread-safe and may run concurrently with {@link #put}/{@link #remove}. {@link #close()} frees the
 * off-heap memory: callers must make sure no lookup is running (the engine reference-counts generations for that).
 *
 * <p>Incremental CRM changes between snapshots do not write into the map: {@link #withChanges} returns a
 * <em>view</em>, the same off-heap map under a small immutable on-heap overlay of changed entries. A batch of
 * changes therefore becomes visible all at once (when the engine swaps the generation holding the view in), calls
 * still running on the previous generation never see half of it, and the persisted file keeps exactly the content
 * its fingerprint names. Lookups of a view hash the key once to test the overlay (no allocation unless the key was
 * changed); a view without changes is the map itself.
 */
public final class DomainIndex implements AutoCloseable {
    static {
        ChronicleSettings.apply();
    }

    private static final Logger LOG = LoggerFactory.getLogger(DomainIndex.class);

    private final ChronicleMap<CharSequence, LongValue> map;
    /** Copy-on-write: replaced, never mutated, once published. */
    private volatile LongOpenHashSet domainsWithSubdomains;

    private final Path file;
    private volatile boolean deleteOnClose;
    private final boolean reused;
    private volatile boolean markerInvalidated;
    /** The index whose map a view shares; null for an index that owns its map. */
    private final DomainIndex root;
    /** A view's changed entries ({@link DomainEntryLayout#MISSING}: removed); null for a root. */
    private final Object2LongOpenHashMap<String> overlay;
    /** Hashes of {@link #overlay}'s keys: a lookup of an unchanged key allocates nothing. */
    private final LongOpenHashSet overlayHashes;
    /** Entries a view adds minus those it removes, against the root map. */
    private final long sizeDelta;
    /** Overlay value meaning "not changed here, ask the map". Never a valid entry. */
    private static final long NOT_OVERRIDDEN = Long.MIN_VALUE;

    private DomainIndex(
            ChronicleMap<CharSequence, LongValue> map,
            LongOpenHashSet domainsWithSubdomains,
            Path file,
            boolean deleteOnClose,
            boolean reused) {
        this.reused = reused;
        this.map = map;
        this.domainsWithSubdomains = domainsWithSubdomains;
        this.file = file;
        this.deleteOnClose = deleteOnClose;
        this.root = null;
        this.overlay = null;
        this.overlayHashes = null;
        this.sizeDelta = 0;
    }

    private DomainIndex(
            DomainIndex root,
            Object2LongOpenHashMap<String> overlay,
            LongOpenHashSet overlayHashes,
            LongOpenHashSet domainsWithSubdomains,
            long sizeDelta) {
        this.root = root;
        this.map = root.map;
        this.file = root.file;
        this.reused = root.reused;
        this.overlay = overlay;
        this.overlayHashes = overlayHashes;
        this.domainsWithSubdomains = domainsWithSubdomains;
        this.sizeDelta = sizeDelta;
    }

    /**
     * A view of this index with {@code changes} on top (entries replaced or added; {@link DomainEntryLayout#MISSING}
     * removes one). This index is not modified. Views of views keep one overlay over the shared map.
     *
     * @param changes          domain → new entry, or {@link DomainEntryLayout#MISSING} to remove it
     * @param subdomainParents registrable domains under which a changed key is a subdomain
     */
    public DomainIndex withChanges(Object2LongMap<String> changes, Iterable<String> subdomainParents) {
        DomainIndex base = root == null ? this : root;
        Object2LongOpenHashMap<String> merged =
                overlay == null ? new Object2LongOpenHashMap<>(changes.size()) : new Object2LongOpenHashMap<>(overlay);
        merged.defaultReturnValue(NOT_OVERRIDDEN);
        LongValue holder = newValueHolder();
        long delta = sizeDelta;
        for (Object2LongMap.Entry<String> c : changes.object2LongEntrySet()) {
            String key = c.getKey();
            long inMap = base.getFromMap(key, holder);
            long before = merged.getLong(key);
            before = before == NOT_OVERRIDDEN ? inMap : before;
            long after = c.getLongValue();
            delta += (after != DomainEntryLayout.MISSING ? 1 : 0) - (before != DomainEntryLayout.MISSING ? 1 : 0);
            if (after == inMap) {
                merged.removeLong(key); // back to what the map says: keep the overlay minimal
            } else {
                merged.put(key, after);
            }
        }
        LongOpenHashSet hashes = new LongOpenHashSet(merged.size());
        for (String k : merged.keySet()) {
            hashes.add(hash(k, 0, k.length()));
        }
        LongOpenHashSet parents = domainsWithSubdomains;
        for (String p : subdomainParents) {
            long h = hash(p, 0, p.length());
            if (!parents.contains(h)) {
                parents = parents == domainsWithSubdomains ? new LongOpenHashSet(parents) : parents;
                parents.add(h);
            }
        }
        return new DomainIndex(base, merged, hashes, parents, delta);
    }

    /** True for a view made by {@link #withChanges}. */
    boolean hasChanges() {
        return root != null;
    }

    private long getFromMap(CharSequence domain, LongValue holder) {
        LongValue v = map.getUsing(domain, holder);
        return v == null ? DomainEntryLayout.MISSING : v.getValue();
    }

    /**
     * Builds an index from entries keyed by domain.
     *
     * @param entries            domain → packed entry ({@link DomainEntryLayout})
     * @param subdomainParents   registrable domains under which at least one subdomain is indexed
     * @param file               where to persist the map; null for anonymous off-heap memory
     * @param deleteOnClose      delete {@code file} when the index closes (a generation replaced by a reload)
     */
    public static DomainIndex build(
            Object2LongMap<String> entries, Iterable<String> subdomainParents, Path file, boolean deleteOnClose) {
        return build(entries, averageKeyBytes(entries), subdomainParents, file, deleteOnClose);
    }

    /** As {@link #build(Object2LongMap, Iterable, Path, boolean)}, with the keys' average length known. */
    public static DomainIndex build(
            Object2LongMap<String> entries,
            double averageKeyBytes,
            Iterable<String> subdomainParents,
            Path file,
            boolean deleteOnClose) {
        String[] keys = new String[entries.size()];
        long[] values = new long[entries.size()];
        int n = 0;
        for (Object2LongMap.Entry<String> e : entries.object2LongEntrySet()) {
            keys[n] = e.getKey();
            values[n++] = e.getLongValue();
        }
        return build(keys, values, n, averageKeyBytes, subdomainParents, file, deleteOnClose);
    }

    /**
     * Builds an index from the first {@code n} of {@code keys} (distinct) and their entries in {@code values}.
     *
     * @param averageKeyBytes  {@link #averageKeyBytes(long, long)} of the keys
     * @see #build(Object2LongMap, Iterable, Path, boolean)
     */
    public static DomainIndex build(
            String[] keys,
            long[] values,
            int n,
            double averageKeyBytes,
            Iterable<String> subdomainParents,
            Path file,
            boolean deleteOnClose) {
        return build(keys, values, n, averageKeyBytes, subdomainParents, file, deleteOnClose, new IndexFill());
    }

    /**
     * As {@link #build(String[], long[], int, double, Iterable, Path, boolean)}; threads that call {@code fill}'s
     * {@link IndexFill#help()} meanwhile fill part of the map.
     */
    public static DomainIndex build(
            String[] keys,
            long[] values,
            int n,
            double averageKeyBytes,
            Iterable<String> subdomainParents,
            Path file,
            boolean deleteOnClose,
            IndexFill fill) {
        try {
            var builder = mapBuilder(n, averageKeyBytes);
            ChronicleMap<CharSequence, LongValue> map;
            if (file == null) {
                map = builder.create();
            } else {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.deleteIfExists(file);
                map = builder.createPersistedTo(file.toFile());
            }
            try {
                fill.fill(map, keys, values, n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                map.close();
                throw new IllegalStateException("interrupted while building the domain index", e);
            } catch (RuntimeException | Error e) {
                map.close();
                throw e;
            }
            if (file != null) {
                writeReadyMarker(file, n);
            }
            return new DomainIndex(map, parentHashes(subdomainParents), file, deleteOnClose, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create domain index at " + file, e);
        }
    }

    /**
     * Opens the index persisted at {@code file} when a complete one is there (its ready marker exists and it holds
     * exactly the expected number of entries), else builds it from the first {@code n} of {@code keys} and
     * {@code values}. The caller names the file after a fingerprint of everything the keys and values derive from,
     * so an unchanged snapshot reuses the file after a restart.
     */
    public static DomainIndex openOrBuild(
            String[] keys,
            long[] values,
            int n,
            double averageKeyBytes,
            Iterable<String> subdomainParents,
            Path file,
            IndexFill fill) {
        Path marker = readyMarker(file);
        if (Files.isRegularFile(file) && Files.isRegularFile(marker)) {
            String damage = damage(file, n);
            if (damage != null) {
                LOG.warn("index file {} is damaged ({}); rebuilding it from the snapshot", file, damage);
            } else {
                ChronicleMap<CharSequence, LongValue> map = null;
                try {
                    map = mapBuilder(n, averageKeyBytes).createPersistedTo(file.toFile());
                    if (map.longSize() == n && sampleMatches(map, keys, values, n)) {
                        return new DomainIndex(map, parentHashes(subdomainParents), file, false, true);
                    }
                    LOG.warn(
                            "index file {} does not hold what its snapshot says (entry count or sampled entries);"
                                    + " rebuilding it from the snapshot",
                            file);
                    map.close();
                } catch (IOException | RuntimeException e) {
                    if (map != null) {
                        map.close();
                    }
                    LOG.warn(
                            "index file {} cannot be opened ({}); rebuilding it from the snapshot", file, e.toString());
                }
            }
        }
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset index marker " + marker, e);
        }
        return build(keys, values, n, averageKeyBytes, subdomainParents, file, false, fill);
    }

    /**
     * Opens the index a previous run persisted at {@code file} without the entries it was built from (a restart
     * whose snapshot state is persisted too), or returns null when there is no complete index there: no ready
     * marker, or not exactly {@code entries} entries.
     *
     * @param entries          the number of entries the file must hold
     * @param averageKeyBytes  as {@link #averageKeyBytes} computed when the file was built
     * @param subdomainParents as for {@link #build}
     */
    public static DomainIndex openPersisted(
            Path file, long entries, double averageKeyBytes, Iterable<String> subdomainParents) {
        if (!Files.isRegularFile(file) || !Files.isRegularFile(readyMarker(file))) {
            return null;
        }
        // A damaged file is left to the full load, which rebuilds it and says so (this path only reads).
        if (damage(file, entries) != null) {
            return null;
        }
        ChronicleMap<CharSequence, LongValue> map = null;
        try {
            map = mapBuilder(entries, averageKeyBytes).createPersistedTo(file.toFile());
            if (map.longSize() != entries) {
                map.close();
                return null;
            }
            return new DomainIndex(map, parentHashes(subdomainParents), file, false, true);
        } catch (IOException | RuntimeException e) {
            if (map != null) {
                map.close();
            }
            return null;
        }
    }

    private static LongOpenHashSet parentHashes(Iterable<String> subdomainParents) {
        LongOpenHashSet parents = new LongOpenHashSet();
        for (String parent : subdomainParents) {
            parents.add(hash(parent, 0, parent.length()));
        }
        return parents;
    }

    /**
     * The ready marker: written once the map is complete, it holds the entry count, the file's size and its CRC32C,
     * so a later open verifies every byte before Chronicle Map follows any offset in it. The map must be quiescent
     * (built, no lookups yet): Chronicle Map keeps its segment locks in the file.
     */
    private static void writeReadyMarker(Path file, long entries) throws IOException {
        long size = Files.size(file);
        int crc = FileCrc32c.of(file);
        Files.writeString(
                readyMarker(file), String.format(Locale.ROOT, "entries=%d bytes=%d crc32c=%08x%n", entries, size, crc));
    }

    /**
     * What is wrong with the persisted index at {@code file} against its ready marker, or null when its size and
     * CRC32C are what the marker recorded and it holds {@code entries} entries.
     */
    static String damage(Path file, long entries) {
        Path marker = readyMarker(file);
        try {
            Matcher m = MARKER.matcher(Files.readString(marker).trim());
            if (!m.matches()) {
                return "its ready marker " + marker.getFileName() + " is not 'entries=N bytes=N crc32c=HEX'";
            }
            long expectedEntries = Long.parseLong(m.group(1));
            long expectedSize = Long.parseLong(m.group(2));
            int expectedCrc = Integer.parseUnsignedInt(m.group(3), 16);
            if (expectedEntries != entries) {
                return "marker says " + expectedEntries + " entries, the snapshot " + entries;
            }
            long size = Files.size(file);
            if (size != expectedSize) {
                return "size " + size + " bytes, " + expectedSize + " when written";
            }
            int crc = FileCrc32c.of(file);
            if (crc != expectedCrc) {
                return String.format(
                        Locale.ROOT, "CRC32C %08x over its %d bytes, %08x when written", crc, size, expectedCrc);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot verify it: " + e;
        }
    }

    private static final Pattern MARKER = Pattern.compile("entries=(\\d+) bytes=(\\d+) crc32c=([0-9a-f]{8})");

    /** Average key length of {@code entries} as the map is configured with it (persist it to reopen the map). */
    public static double averageKeyBytes(Object2LongMap<String> entries) {
        long total = 0;
        for (String k : entries.keySet()) {
            total += k.length();
        }
        return averageKeyBytes(entries.size(), total);
    }

    /** Average key length of {@code count} keys of {@code chars} characters in all, as the map is sized with it. */
    public static double averageKeyBytes(long count, long chars) {
        return count == 0 ? 16 : Math.max(4, (double) chars / count);
    }

    /** The one map configuration, for building and for reopening a persisted index. */
    private static ChronicleMapBuilder<CharSequence, LongValue> mapBuilder(long n, double averageKeyBytes) {
        return ChronicleMap.of(CharSequence.class, LongValue.class)
                .name("leadmatch-domains")
                // Headroom: a Chronicle Map fails when it outgrows its configured size.
                .entries(Math.max(1_024, (long) (n * 1.3)))
                .averageKeySize(averageKeyBytes)
                .maxBloatFactor(4.0)
                // With entry checksums on, a persisted map lost entries under mixed put/remove (DomainIndexTest's
                // persisted seeds). The index is rebuilt from the snapshot after a crash anyway, so checksums buy
                // nothing here.
                .checksumEntries(false);
    }

    /** Spot-checks up to 1,000 entries, spread over the map, against what the snapshot says they must be. */
    private static boolean sampleMatches(
            ChronicleMap<CharSequence, LongValue> map, String[] keys, long[] values, int n) {
        int step = Math.max(1, n / 1_000);
        LongValue holder = Values.newHeapInstance(LongValue.class);
        for (int i = 0; i < n; i += step) {
            LongValue v = map.getUsing(keys[i], holder);
            if (v == null || v.getValue() != values[i]) {
                return false;
            }
        }
        return true;
    }

    private static Path readyMarker(Path file) {
        return file.resolveSibling(file.getFileName() + ".ready");
    }

    /** A changed index no longer matches the snapshot its file is named after: never reuse it. */
    private void invalidateReadyMarker() {
        if (file != null && !markerInvalidated) {
            markerInvalidated = true;
            try {
                Files.deleteIfExists(readyMarker(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot invalidate " + readyMarker(file), e);
            }
        }
    }

    /** True when this index was opened from a file a previous run built. */
    public boolean reused() {
        return reused;
    }

    /** Deletes the backing file when the index closes (its generation was replaced by a different one). */
    public void deleteFileOnClose() {
        if (root != null) {
            root.deleteFileOnClose();
            return;
        }
        this.deleteOnClose = true;
    }

    /**
     * Pays Chronicle's one-time start-up costs on a background thread: generating the {@link LongValue} class (a
     * compiler run) and initializing the map classes take 1-2 s on 2 cores, which would otherwise come on top of
     * reading the snapshot. Idempotent; returns at once.
     */
    public static void warmUpInBackground() {
        if (WARMED_UP.compareAndSet(false, true)) {
            Thread t = new Thread(
                    () -> {
                        try (ChronicleMap<CharSequence, LongValue> tiny =
                                mapBuilder(16, 8).create()) {
                            LongValue v = newValueHolder();
                            v.setValue(1);
                            tiny.put("warm.up", v);
                        } catch (RuntimeException | LinkageError e) {
                            // Only a head start: the real use reports any real problem.
                        }
                    },
                    "chronicle-warm-up");
            t.setDaemon(true);
            warmUpThread = t;
            t.start();
        }
    }

    /**
     * Waits up to {@code millis} for {@link #warmUpInBackground} to finish. A process that exits while Chronicle
     * is still initializing has Chronicle's own threads print a stack trace ("Shutdown in progress") after the
     * process's last line, so an early exit waits for it first.
     */
    public static void awaitWarmUp(long millis) {
        Thread t = warmUpThread;
        if (t == null) {
            return;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

    private static volatile Thread warmUpThread;

    /** A reusable value holder for {@link #get}; one per thread. */
    public static LongValue newValueHolder() {
        return Values.newHeapInstance(LongValue.class);
    }

    /**
     * The entry for {@code domain}, or {@link DomainEntryLayout#MISSING}. Allocates nothing when {@code holder}
     * is reused.
     */
    public long get(CharSequence domain, LongValue holder) {
        if (overlay != null && overlayHashes.contains(hash(domain, 0, domain.length()))) {
            long changed = overlay.getLong(domain.toString());
            if (changed != NOT_OVERRIDDEN) {
                return changed;
            }
        }
        return getFromMap(domain, holder);
    }

    /** True when some subdomain of the registrable domain {@code host[from, to)} may be indexed. */
    public boolean mayHaveIndexedSubdomains(CharSequence host, int from, int to) {
        return !domainsWithSubdomains.isEmpty() && domainsWithSubdomains.contains(hash(host, from, to));
    }

    /**
     * Adds or replaces an entry.
     *
     * @param domain            the key
     * @param entry             packed value ({@link DomainEntryLayout})
     * @param subdomainOfOrNull the registrable domain when {@code domain} is a subdomain of it, else null
     */
    void put(CharSequence domain, long entry, String subdomainOfOrNull) {
        requireRoot();
        invalidateReadyMarker();
        if (subdomainOfOrNull != null) {
            long h = hash(subdomainOfOrNull, 0, subdomainOfOrNull.length());
            synchronized (this) {
                if (!domainsWithSubdomains.contains(h)) {
                    LongOpenHashSet copy = new LongOpenHashSet(domainsWithSubdomains);
                    copy.add(h);
                    domainsWithSubdomains = copy;
                }
            }
        }
        LongValue value = Values.newHeapInstance(LongValue.class);
        value.setValue(entry);
        map.put(domain, value);
    }

    /**
     * Removes an entry; true when it was present. The subdomain filter keeps the parent's hash: a stale hash only
     * costs an extra probe.
     */
    boolean remove(CharSequence domain) {
        requireRoot();
        invalidateReadyMarker();
        return map.remove(domain) != null;
    }

    /** A view must not write into the map other generations share. */
    private void requireRoot() {
        if (root != null) {
            throw new UnsupportedOperationException("a view made by withChanges is read-only");
        }
    }

    /** Number of indexed domains (registrable domains, subdomains and aliases). */
    long size() {
        return map.longSize() + sizeDelta;
    }

    /** Off-heap bytes the map occupies. */
    long offHeapBytes() {
        return map.offHeapMemoryUsed();
    }

    /** The file backing the index, or null. */
    public Path file() {
        return file;
    }

    /** Frees the off-heap map; a no-op on a view (its root's owner closes the map). */
    @Override
    public void close() {
        if (root != null) {
            return;
        }
        map.close();
        if (deleteOnClose && file != null) {
            try {
                Files.deleteIfExists(readyMarker(file));
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // A leftover file is overwritten by the next build that uses its name.
            }
        }
    }

    /** 64-bit FNV-1a over chars: stable and allocation-free. */
    static long hash(CharSequence s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
