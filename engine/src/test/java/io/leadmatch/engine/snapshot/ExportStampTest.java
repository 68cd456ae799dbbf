package io.leadmatch.engine.snapshot;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.DemoSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExportStamp}: a fingerprint is reused only for files whose metadata, change time included, is unchanged. */
class ExportStampTest {
    @TempDir
    Path tmp;

    /** As if it were a minute later: the files just written count as settled. */
    static long later() {
        return System.currentTimeMillis() + 60_000;
    }

    @Test
    void theFingerprintIsRememberedForUnchangedFilesOnly() throws Exception {
        Path snapshot = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        Path stamp = tmp.resolve("data").resolve("export.stamp");
        String meta = ExportStamp.metadata(snapshot, later());
        assertNotNull(meta);
        assertEquals(meta, ExportStamp.metadata(snapshot, later()), "stable while nothing changes");
        assertNull(ExportStamp.recorded(stamp, meta), "nothing recorded yet");
        String fingerprint = IndexFingerprint.ofExport(snapshot);
        ExportStamp.record(stamp, meta, fingerprint);
        assertEquals(fingerprint, ExportStamp.recorded(stamp, meta));

        // Rewritten with the same size and modification time: only the change time (and content) differ.
        Thread.sleep(50); // past the file system's time stamp granularity
        Path users = snapshot.resolve(CsvSnapshotReader.USERS);
        var mtime = Files.getLastModifiedTime(users);
        Files.writeString(users, Files.readString(users).replace("Avery Whitfield", "Avery Whitfielt"));
        Files.setLastModifiedTime(users, mtime);
        String after = ExportStamp.metadata(snapshot, later());
        assertNotEquals(meta, after);
        assertNull(ExportStamp.recorded(stamp, after), "a changed file is read again");
        assertNotEquals(fingerprint, IndexFingerprint.ofExport(snapshot));
    }

    @Test
    void filesChangedMomentsAgoAreNotTrusted() throws Exception {
        Path snapshot = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        assertNull(ExportStamp.metadata(snapshot), "just written: within the settle time");
        assertNotNull(ExportStamp.metadata(snapshot, System.currentTimeMillis() + ExportStamp.SETTLE_MILLIS + 1_000));
    }

    @Test
    void aMissingOrForeignStampIsIgnored() throws Exception {
        Path snapshot = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        String meta = ExportStamp.metadata(snapshot, later());
        Path stamp = tmp.resolve("export.stamp");
        assertNull(ExportStamp.recorded(stamp, meta));
        Files.writeString(stamp, meta + "\nnot-a-fingerprint\n");
        assertNull(ExportStamp.recorded(stamp, meta));
        Files.writeString(stamp, "garbage");
        assertNull(ExportStamp.recorded(stamp, meta));
        // A stamp whose fingerprint changed into another well-formed one names another export: never trusted.
        ExportStamp.record(stamp, meta, "0123456789abcdef");
        assertEquals("0123456789abcdef", ExportStamp.recorded(stamp, meta));
        Files.writeString(stamp, Files.readString(stamp).replace("0123456789abcdef", "0123456789abcdee"));
        assertNull(ExportStamp.recorded(stamp, meta));
        assertNull(ExportStamp.recorded(stamp, null));
    }
}
