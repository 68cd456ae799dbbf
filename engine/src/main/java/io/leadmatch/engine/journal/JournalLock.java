package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock that keeps a second journal (another process, or another engine in this JVM) off a directory.
 * Invariant: while an instance is held, its directory is in {@link #OPEN_HERE} and the lock file is locked;
 * {@link #isLive} never opens and closes a descriptor of a lock file this JVM holds (closing any descriptor of a file
 * drops the process's POSIX locks on it).
 */
final class JournalLock {
    private static final Logger LOG = LoggerFactory.getLogger(JournalLock.class);
    /** Name of the lock file. */
    static final String LOCK_NAME = "journal.lock";

    /** Directories of the journals open in this JVM (guarded by itself), by {@link #key}. */
    private static final Set<Path> OPEN_HERE = new HashSet<>();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dir}, or throws when a journal is open on it. */
    static JournalLock take(Path dir) throws IOException {
        synchronized (OPEN_HERE) {
            FileChannel ch =
                    FileChannel.open(dir.resolve(LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new IOException("the journal in " + dir + " is open in another process or engine");
            }
            OPEN_HERE.add(key(dir));
            return new JournalLock(dir, ch, l);
        }
    }

    /** Releases the lock. */
    void release() {
        synchronized (OPEN_HERE) {
            OPEN_HERE.remove(key(dir));
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                LOG.debug("releasing the journal lock: {}", e.toString());
            }
        }
    }

    /** Whether a journal is open on {@code dir} (in any process): its lock is taken. */
    static boolean isLive(Path dir) {
        Path lockFile = dir.resolve(LOCK_NAME);
        synchronized (OPEN_HERE) {
            if (OPEN_HERE.contains(key(dir))) {
                return true;
            }
            if (!Files.exists(lockFile)) {
                return false;
            }
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock l = ch.tryLock();
                if (l == null) {
                    return true;
                }
                l.release();
                return false;
            } catch (OverlappingFileLockException | IOException e) {
                return true; // cannot tell: the careful answer
            }
        }
    }

    private static Path key(Path dir) {
        return dir.toAbsolutePath().normalize();
    }
}
