package io.leadmatch.engine.assign;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.DamagedStateFileException;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.JournalConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The provisional-accounts file holds state no snapshot rebuilds: a damaged entry refuses the open with file and
 * line, a crash mid-append loses only the unacknowledged entry, and nothing wrong is ever loaded. Checked against
 * a plain map of what was registered.
 */
class ProvisionalAccountsFileTest {
    @TempDir
    Path tmp;

    private Path file() {
        return tmp.resolve("data").resolve("provisional-accounts.tsv");
    }

    /** Registers {@code n} domains and returns what a correct reader must load. */
    private Map<String, ProvisionalAccounts.Entry> written(int n, FsyncPolicy policy) {
        Map<String, ProvisionalAccounts.Entry> reference = new HashMap<>();
        try (ProvisionalAccounts p =
                new ProvisionalAccounts(file(), JournalConfig.defaults().withFsync(policy))) {
            for (int i = 0; i < n; i++) {
                String domain = "new-" + i + ".example";
                String assignee = i % 7 == 0 ? null : "0055g00000USR" + (i % 9) + "AAA";
                p.register(domain, assignee);
                reference.put(domain, new ProvisionalAccounts.Entry(ProvisionalAccounts.idFor(domain), assignee));
            }
        }
        return reference;
    }

    private static Map<String, ProvisionalAccounts.Entry> loaded(ProvisionalAccounts p) {
        Map<String, ProvisionalAccounts.Entry> out = new HashMap<>();
        for (String d : p.domains()) {
            out.put(d, p.get(d));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void whatIsRegisteredIsLoadedBack(FsyncPolicy policy) {
        Map<String, ProvisionalAccounts.Entry> reference = written(200, policy);
        try (ProvisionalAccounts p = new ProvisionalAccounts(file())) {
            assertEquals(reference, loaded(p));
        }
    }

    @Test
    void aDamagedEntryRefusesTheOpenWithFileAndLine() throws Exception {
        written(50, FsyncPolicy.ALWAYS);
        List<String> lines = Files.readAllLines(file());
        assertEquals(ProvisionalAccounts.HEADER, lines.get(0));
        // new-2.example -> new-7.example: still a well-formed line, only its checksum tells.
        int damaged = 1
                + lines.subList(1, lines.size())
                        .indexOf(lines.stream()
                                .filter(l -> l.startsWith("new-2.example\t"))
                                .findFirst()
                                .orElseThrow());
        lines.set(damaged, lines.get(damaged).replace("new-2.example", "new-7.example"));
        Files.write(file(), lines, StandardCharsets.UTF_8);
        DamagedStateFileException e =
                assertThrows(DamagedStateFileException.class, () -> new ProvisionalAccounts(file()).close());
        assertEquals(file(), e.file());
        assertEquals(damaged + 1, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file() + ":" + (damaged + 1) + ": checksum"), e.getMessage());
    }

    /** Every single-byte change of the file either refuses the open or loads only true entries. */
    @Test
    void noSingleByteChangeLoadsAWrongEntry() throws Exception {
        Map<String, ProvisionalAccounts.Entry> reference = written(40, FsyncPolicy.NONE);
        byte[] good = Files.readAllBytes(file());
        SplittableRandom r = new SplittableRandom(3);
        int refused = 0;
        for (int round = 0; round < 600; round++) {
            byte[] bad = good.clone();
            int at = r.nextInt(bad.length);
            byte to;
            do {
                to = (byte) r.nextInt(256);
            } while (to == bad[at]);
            bad[at] = to;
            Files.write(file(), bad);
            try (ProvisionalAccounts p = new ProvisionalAccounts(file())) {
                Map<String, ProvisionalAccounts.Entry> got = loaded(p);
                for (var e : got.entrySet()) {
                    assertEquals(reference.get(e.getKey()), e.getValue(), "byte " + at + " -> " + to);
                }
                // Only a change of the final newline (a torn last line) may lose an entry silently.
                assertTrue(
                        got.size() == reference.size() || (at == bad.length - 1 && got.size() == reference.size() - 1),
                        "byte " + at + " -> " + to + " lost " + (reference.size() - got.size()));
            } catch (DamagedStateFileException expected) {
                refused++;
            }
        }
        assertTrue(refused > 540, refused + " of 600 refused");
    }

    @Test
    void aTornLastLineIsDroppedAndCutOffBeforeTheNextAppend() throws Exception {
        Map<String, ProvisionalAccounts.Entry> reference = written(10, FsyncPolicy.ALWAYS);
        byte[] good = Files.readAllBytes(file());
        String torn = ProvisionalAccounts.line("torn.example", new ProvisionalAccounts.Entry("PROV-X", "u"));
        byte[] withTail = Arrays.copyOf(good, good.length + torn.length() - 5);
        System.arraycopy(torn.getBytes(StandardCharsets.UTF_8), 0, withTail, good.length, torn.length() - 5);
        Files.write(file(), withTail);
        try (ProvisionalAccounts p = new ProvisionalAccounts(file())) {
            assertEquals(reference, loaded(p));
            assertEquals(withTail.length, Files.size(file()), "opening alone writes nothing");
            p.register("after.example", "u2");
            reference.put(
                    "after.example", new ProvisionalAccounts.Entry(ProvisionalAccounts.idFor("after.example"), "u2"));
        }
        try (ProvisionalAccounts p = new ProvisionalAccounts(file())) {
            assertEquals(reference, loaded(p));
        }
    }

    @Test
    void anOlderFileWithoutChecksumsIsReadAndRewrittenWithThem() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "a.example\tPROV-A\tu1\nb.example\tPROV-B\t\n");
        try (ProvisionalAccounts p = new ProvisionalAccounts(file())) {
            assertEquals(
                    Map.of(
                            "a.example", new ProvisionalAccounts.Entry("PROV-A", "u1"),
                            "b.example", new ProvisionalAccounts.Entry("PROV-B", null)),
                    loaded(p));
            p.register("c.example", "u3");
        }
        List<String> lines = Files.readAllLines(file());
        assertEquals(ProvisionalAccounts.HEADER, lines.get(0));
        assertEquals(4, lines.size(), lines.toString());
        try (ProvisionalAccounts p = new ProvisionalAccounts(file())) {
            assertEquals(3, p.size());
        }
        Files.writeString(file(), "a.example\tPROV-A\tu1\nb.examplePROV-B\n\nc.example\tPROV-C\tu\n");
        DamagedStateFileException e =
                assertThrows(DamagedStateFileException.class, () -> new ProvisionalAccounts(file()).close());
        assertEquals(2, e.line());
    }

    @Test
    void compactionReplacesTheFileWhole() throws Exception {
        Map<String, ProvisionalAccounts.Entry> reference = written(30, FsyncPolicy.BATCH);
        try (ProvisionalAccounts p = new ProvisionalAccounts(file())) {
            assertEquals(15, p.retainIf(d -> Integer.parseInt(d.replaceAll("\\D", "")) % 2 == 0));
            p.register("late.example", null);
        }
        reference.keySet().removeIf(d -> Integer.parseInt(d.replaceAll("\\D", "")) % 2 != 0);
        reference.put("late.example", new ProvisionalAccounts.Entry(ProvisionalAccounts.idFor("late.example"), null));
        // A crash during a later compaction leaves its temporary file; the file itself is still whole.
        Files.writeString(file().resolveSibling(file().getFileName() + ".tmp"), "half a rewr");
        try (ProvisionalAccounts p = new ProvisionalAccounts(file())) {
            assertEquals(reference, loaded(p));
        }
    }
}
