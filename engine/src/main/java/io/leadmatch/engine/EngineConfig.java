package io.leadmatch.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * How to open an engine.
 *
 * @param snapshotDir the CRM export directory to serve
 * @param dataDir     where persistent state (index files, provisional accounts) lives; null keeps everything in
 *                    memory
 * @param matching    matching settings (Public Suffix List, lists, policies)
 * @param clock       time source (injected so tests control it)
 */
public record EngineConfig(Path snapshotDir, Path dataDir, MatchingConfig matching, Clock clock) {
    public EngineConfig {
        Objects.requireNonNull(snapshotDir, "snapshotDir");
        matching = matching == null ? MatchingConfig.defaults() : matching;
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** The defaults for a snapshot directory and an optional data directory. */
    public static EngineConfig of(Path snapshotDir, Path dataDir) {
        return new EngineConfig(snapshotDir, dataDir, null, null);
    }
}
