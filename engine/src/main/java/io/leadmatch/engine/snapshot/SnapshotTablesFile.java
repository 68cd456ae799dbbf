package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.concurrent.DaemonFuture;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.routing.RoutingConfig;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.slf4j.LoggerFactory;

/**
 * Everything a CSV load builds on heap besides the off-heap index (users, accounts, conflict sets, the walk-up
 * filter's domains, each account's own keys and the aliases, the load report), persisted in binary beside the index file and named by the same
 * fingerprint ({@code domains-<fp>.tables} next to {@code domains-<fp>.cm3}). A restart with an unchanged snapshot
 * reads this file and reopens the index instead of parsing the CSV export: the expensive part of a load is the
 * CSV and the domain normalization, not the result.
 *
 * <p>Layout (big-endian, column-wise so each array is read in one sweep): magic, version, what reopening the index
 * needs (its entry count and average key size, the subdomain parents: first, so the index reopens on its own
 * thread while the rest decodes), the report, the user columns, the account columns (country and state through a
 * dictionary: few distinct values), conflict sets and their domains, then a CRC32C of all of it. A
 * file that is incomplete, from another version or damaged is ignored with a WARN that names it and what failed (the
 * snapshot is parsed again and the file rewritten), never trusted. Written to a temporary name and renamed, so a crash leaves either the whole file or none.
 */
final class SnapshotTablesFile {
    private static final long MAGIC = 0x4c4d5441424c4553L; // "LMTABLES"
    private static final int VERSION = 3;

    private SnapshotTablesFile() {}

    /** The tables file that belongs to an index file. */
    static Path forIndex(Path indexFile) {
        String name = indexFile.getFileName().toString();
        String base = name.endsWith(".cm3") ? name.substring(0, name.length() - 4) : name;
        return indexFile.resolveSibling(base + ".tables");
    }

    /** What {@link #read} gives back: the pieces of a generation, without routing (parsed from its file). */
    record Tables(
            UserTable users,
            AccountTable accounts,
            int[][] conflictSets,
            String[] conflictDomains,
            AccountDomains accountDomains,
            List<String> subdomainParents,
            long indexEntries,
            double averageKeyBytes,
            LoadReport report) {}

    static void write(Path file, Tables t) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        try (OutputStream raw = Files.newOutputStream(tmp);
                DataOutputStream out =
                        new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc))) {
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(t.indexEntries());
            out.writeDouble(t.averageKeyBytes());
            writeStrings(out, t.subdomainParents());
            LoadReport r = t.report();
            for (long v : new long[] {
                r.rowsRead(),
                r.users(),
                r.accounts(),
                r.opportunities(),
                r.domains(),
                r.aliases(),
                r.teams(),
                r.conflictingDomains(),
                r.rowsSkipped()
            }) {
                out.writeLong(v);
            }
            writeStrings(out, r.warnings());
            writeStrings(out, r.conflicts());

            UserTable u = t.users();
            int nu = u.size();
            out.writeInt(nu);
            for (int i = 0; i < nu; i++) {
                writeString(out, u.id(i));
                writeString(out, u.name(i));
                writeString(out, u.email(i));
                out.writeBoolean(u.isActive(i));
            }

            AccountTable a = t.accounts();
            int na = a.size();
            out.writeInt(na);
            for (int i = 0; i < na; i++) {
                writeString(out, a.id(i));
            }
            for (int i = 0; i < na; i++) {
                writeString(out, a.name(i));
            }
            for (int i = 0; i < na; i++) {
                out.writeInt(a.owner(i));
                out.writeInt(a.parent(i));
                out.writeInt(a.openOpportunityOwner(i));
                out.writeByte(a.type(i).ordinal());
            }
            writeDictionaryColumn(out, na, a::country);
            writeDictionaryColumn(out, na, a::state);

            out.writeInt(t.conflictSets().length);
            for (int i = 0; i < t.conflictSets().length; i++) {
                int[] set = t.conflictSets()[i];
                out.writeInt(set.length);
                for (int o : set) {
                    out.writeInt(o);
                }
                writeString(out, t.conflictDomains()[i]);
            }
            AccountDomains d = t.accountDomains();
            out.writeInt(d.keyBytes().length);
            out.write(d.keyBytes());
            out.writeInt(d.ends().length);
            for (int end : d.ends()) {
                out.writeInt(end);
            }
            writeStrings(out, List.of(d.aliasKeys()));
            for (long e : d.aliasEntries()) {
                out.writeLong(e);
            }
            out.flush();
            raw.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a tables file and reopens its index; null when either is missing, incomplete or damaged (the caller
     * loads the snapshot from its files instead).
     */
    static CrmSnapshot read(
            Path file,
            Path indexFile,
            String source,
            CompletableFuture<RoutingConfig> routingParsed,
            long generation,
            long started)
            throws SnapshotException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Tables t;
        CompletableFuture<DomainIndex> reopened = null;
        long[] reopenMillis = new long[1];
        try {
            // Mapped, not read into an array: a restart's largest read then costs no heap, no zeroing of fresh
            // memory and no copy.
            ByteBuffer in;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < 16 || size > Integer.MAX_VALUE) {
                    warnDamaged(file, "size " + size + " bytes");
                    return null;
                }
                in = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            }
            int length = in.capacity();
            CRC32C crc = new CRC32C();
            crc.update(in.duplicate().limit(length - 4));
            byte[] scratch = new byte[256]; // scratch for a string on its way (longer ones get their own)
            int expectedCrc = in.getInt(length - 4);
            if (expectedCrc != (int) crc.getValue()) {
                warnDamaged(
                        file,
                        String.format(
                                Locale.ROOT,
                                "CRC32C %08x over its %d bytes, %08x when written",
                                (int) crc.getValue(),
                                length - 4,
                                expectedCrc));
                return null;
            }
            if (in.getLong() != MAGIC || in.getInt() != VERSION) {
                warnDamaged(file, "not a tables file of version " + VERSION);
                return null;
            }
            long entries = in.getLong();
            double averageKey = in.getDouble();
            List<String> parents = readStrings(in, scratch);
            // The index reopens (Chronicle's start-up included) on its own thread while the tables decode.
            reopened = DaemonFuture.supply("index-reopen", () -> {
                long t0 = System.nanoTime();
                DomainIndex opened = DomainIndex.openPersisted(indexFile, entries, averageKey, parents);
                reopenMillis[0] = (System.nanoTime() - t0) / 1_000_000;
                return opened;
            });
            t = decode(in, scratch, entries, averageKey, parents);
        } catch (IOException | RuntimeException e) {
            warnDamaged(file, "unreadable: " + e);
            if (reopened != null) {
                reopened.thenAccept(i -> {
                    if (i != null) {
                        i.close();
                    }
                });
            }
            return null;
        }
        long decoded = System.nanoTime();
        DomainIndex index = reopened.join();
        if (index == null) {
            return null;
        }
        LoggerFactory.getLogger(SnapshotTablesFile.class)
                .info(
                        "snapshot unchanged: state read from {} in {} ms, index reopened meanwhile in {} ms (waited {} ms)",
                        file.getFileName(),
                        (decoded - started) / 1_000_000,
                        reopenMillis[0],
                        (System.nanoTime() - decoded) / 1_000_000);
        RoutingConfig routing;
        try {
            routing = DaemonFuture.await(routingParsed);
        } catch (SnapshotException | RuntimeException | Error e) {
            index.close();
            throw e;
        }
        LoadReport r = t.report();
        LoadReport report = new LoadReport(
                source,
                r.rowsRead(),
                r.users(),
                r.accounts(),
                r.opportunities(),
                r.domains(),
                r.aliases(),
                r.teams(),
                r.conflictingDomains(),
                r.rowsSkipped(),
                r.warnings(),
                r.conflicts(),
                (System.nanoTime() - started) / 1_000_000);
        return new CrmSnapshot(
                generation,
                t.users(),
                t.accounts(),
                index,
                t.conflictSets(),
                t.conflictDomains(),
                t.accountDomains(),
                routing,
                report);
    }

    /** A tables file is derived state: a damaged one is rebuilt, and the operator hears why. */
    private static void warnDamaged(Path file, String what) {
        LoggerFactory.getLogger(SnapshotTablesFile.class)
                .warn("tables file {} is damaged ({}); rebuilding it from the snapshot", file, what);
    }

    private static Tables decode(ByteBuffer in, byte[] scratch, long entries, double averageKey, List<String> parents) {
        long[] counts = new long[9];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = in.getLong();
        }
        List<String> warnings = readStrings(in, scratch);
        List<String> conflicts = readStrings(in, scratch);
        LoadReport report = new LoadReport(
                "", counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8],
                warnings, conflicts, 0);

        int nu = in.getInt();
        String[] uIds = new String[nu];
        String[] uNames = new String[nu];
        String[] uEmails = new String[nu];
        boolean[] active = new boolean[nu];
        for (int i = 0; i < nu; i++) {
            uIds[i] = readString(in, scratch);
            uNames[i] = readString(in, scratch);
            uEmails[i] = readString(in, scratch);
            active[i] = in.get() != 0;
        }

        int na = in.getInt();
        String[] ids = new String[na];
        String[] names = new String[na];
        int[] owner = new int[na];
        int[] parent = new int[na];
        int[] opp = new int[na];
        AccountType[] type = new AccountType[na];
        AccountType[] types = AccountType.values();
        // The two big string columns decode in parallel: ids here (then the id → ordinal map), names meanwhile.
        int idsAt = in.position();
        skipStrings(in, na);
        int namesAt = in.position();
        skipStrings(in, na);
        var namesDone =
                CompletableFuture.runAsync(() -> readStrings(in.duplicate().position(namesAt), new byte[256], names));
        readStrings(in.duplicate().position(idsAt), scratch, ids);
        for (int i = 0; i < na; i++) {
            owner[i] = in.getInt();
            parent[i] = in.getInt();
            opp[i] = in.getInt();
            type[i] = types[in.get()];
        }
        String[] country = readDictionaryColumn(in, scratch, na);
        String[] state = readDictionaryColumn(in, scratch, na);

        int ns = in.getInt();
        int[][] sets = new int[ns][];
        String[] setDomains = new String[ns];
        for (int i = 0; i < ns; i++) {
            int[] set = new int[in.getInt()];
            for (int j = 0; j < set.length; j++) {
                set[j] = in.getInt();
            }
            sets[i] = set;
            setDomains[i] = readString(in, scratch);
        }
        byte[] keyBytes = new byte[in.getInt()];
        in.get(keyBytes);
        int[] ends = new int[in.getInt()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = in.getInt();
        }
        String[] aliasKeys = readStrings(in, scratch).toArray(new String[0]);
        long[] aliasEntries = new long[aliasKeys.length];
        for (int i = 0; i < aliasEntries.length; i++) {
            aliasEntries[i] = in.getLong();
        }
        AccountTable accounts = AccountTable.ofColumns(ids, names, owner, parent, type, country, state, opp);
        namesDone.join();
        return new Tables(
                UserTable.ofColumns(uIds, uNames, uEmails, active),
                accounts,
                sets,
                setDomains,
                new AccountDomains(keyBytes, ends, aliasKeys, aliasEntries),
                parents,
                entries,
                averageKey,
                report);
    }

    private static void skipStrings(ByteBuffer in, int n) {
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            in.position(in.position() + len);
        }
    }

    private static void readStrings(ByteBuffer in, byte[] scratch, String[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = readString(in, scratch);
        }
    }

    /** Few distinct values (countries, states): a dictionary, then one index per row. */
    private static void writeDictionaryColumn(DataOutputStream out, int n, IntFunction<String> col) throws IOException {
        Object2IntOpenHashMap<String> dict = new Object2IntOpenHashMap<>();
        dict.defaultReturnValue(-1);
        List<String> values = new ArrayList<>();
        int[] codes = new int[n];
        for (int i = 0; i < n; i++) {
            String v = col.apply(i);
            int code = dict.getInt(v);
            if (code < 0) {
                code = values.size();
                dict.put(v, code);
                values.add(v);
            }
            codes[i] = code;
        }
        writeStrings(out, values);
        for (int c : codes) {
            out.writeInt(c);
        }
    }

    private static String[] readDictionaryColumn(ByteBuffer in, byte[] scratch, int n) {
        String[] values = readStrings(in, scratch).toArray(new String[0]);
        String[] col = new String[n];
        for (int i = 0; i < n; i++) {
            col[i] = values[in.getInt()];
        }
        return col;
    }

    private static void writeStrings(DataOutputStream out, Collection<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            writeString(out, s);
        }
    }

    private static List<String> readStrings(ByteBuffer in, byte[] scratch) {
        int n = in.getInt();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readString(in, scratch));
        }
        return out;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** A string as {@link #writeString} wrote it; {@code scratch} holds its bytes on the way when it is long enough. */
    private static String readString(ByteBuffer in, byte[] scratch) {
        int n = in.getInt();
        byte[] b = n <= scratch.length ? scratch : new byte[n];
        in.get(b, 0, n);
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
