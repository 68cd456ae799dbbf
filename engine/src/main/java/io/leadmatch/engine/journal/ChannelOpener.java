package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** Opens the files the journal writes: {@link FileChannel#open} in service, a channel that fails on cue in tests. */
@FunctionalInterface
interface ChannelOpener {
    ChannelOpener FILES = FileChannel::open;

    FileChannel open(Path file, OpenOption... options) throws IOException;
}
