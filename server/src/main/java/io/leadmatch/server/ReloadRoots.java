package io.leadmatch.server;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories {@code ReloadSnapshot} may read. A requested {@code snapshot_dir} is accepted only when its real
 * path (symbolic links resolved) lies under the real path of a root. Every refusal has the same words whether the
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
                return real;
            }
        }
        throw refused();
    }

    private static io.grpc.StatusRuntimeException refused() {
        return Status.PERMISSION_DENIED.withDescription(REFUSED).asRuntimeException();
    }

    @Override
    public String toString() {
        return roots.toString();
    }
}
