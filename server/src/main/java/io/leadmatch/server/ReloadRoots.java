package io.leadmatch.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directories {@code ReloadSnapshot} may read. A requested {@code snapshot_dir} is accepted only when its real
 * path (symbolic links resolved) lies under the real path of a root, and so does every entry in it (an export
 * file linked to {@code /etc/passwd} is refused, not read). Every refusal has the same words whether the
 * path exists, is a file, or is a link out of the roots, so the reply tells a caller nothing about the file system
 * outside them; and it is decided before anything in the directory is read.
 */
final class ReloadRoots {
    static final String REFUSED = "snapshot_dir must be an existing directory under one of the server's reload roots"
            + " (server.reload_roots; by default the snapshot directory it was started with); nothing was read";

    private final List<Path> roots;

    private ReloadRoots(List<Path> roots) {
        this.roots = roots;
    }

    /** The configured roots, or {@code snapshotDir} alone when none are configured (none at all with a database). */
    static ReloadRoots of(List<Path> configured, Path snapshotDir) {
        List<Path> given = configured.isEmpty() && snapshotDir != null ? List.of(snapshotDir) : configured;
        List<Path> real = new ArrayList<>();
        for (Path p : given) {
            try {
                real.add(p.toRealPath());
            } catch (IOException e) {
                // a root that does not exist (yet) admits nothing until it does; checked again per request
                real.add(p.toAbsolutePath().normalize());
            }
        }
        return new ReloadRoots(List.copyOf(real));
    }

    /**
     * The real path of {@code requested} when it is a directory under a root.
     *
     * @throws io.grpc.StatusRuntimeException {@code PERMISSION_DENIED} with {@link #REFUSED} otherwise
     */
    Path check(String requested) {
        Path real;
        try {
            real = Path.of(requested).toAbsolutePath().toRealPath();
        } catch (IOException | InvalidPathException | SecurityException e) {
            throw refused();
        }
        for (Path root : roots) {
            Path r = root;
            try {
                r = root.toRealPath(); // a root replaced by a link since start-up is followed as it is now
            } catch (IOException e) {
                continue;
            }
            if (real.startsWith(r) && Files.isDirectory(real)) {
                if (!entriesUnder(real)) {
                    throw refused();
                }
                return real;
            }
        }
        throw refused();
    }

    /** Whether every entry of {@code dir} resolves to a path under one of the roots (links included). */
    private boolean entriesUnder(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (!underRoot(entry)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private boolean underRoot(Path entry) {
        Path real;
        try {
            real = entry.toRealPath();
        } catch (IOException e) {
            return !Files.isSymbolicLink(entry); // a dangling link is refused; a file gone meanwhile is the loader's
        }
        for (Path root : roots) {
            try {
                if (real.startsWith(root.toRealPath())) {
                    return true;
                }
            } catch (IOException e) {
                // a root gone since start-up admits nothing
            }
        }
        return false;
    }

    private static StatusRuntimeException refused() {
        return Status.PERMISSION_DENIED.withDescription(REFUSED).asRuntimeException();
    }

    @Override
    public String toString() {
        return roots.toString();
    }
}
