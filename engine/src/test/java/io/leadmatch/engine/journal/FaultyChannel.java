package io.leadmatch.engine.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real file channel that throws on cue: writes fail like a full disk ({@code ENOSPC}) while {@link Faults#writes}
 * is set, forces fail like an I/O error ({@code EIO}) while {@link Faults#forces} is set. Everything else goes to
 * the file.
 */
final class FaultyChannel extends FileChannel {
    /** The switches shared by every channel one opener opens. */
    static final class Faults implements ChannelOpener {
        final AtomicBoolean writes = new AtomicBoolean();
        final AtomicBoolean forces = new AtomicBoolean();
        /** The next write writes half its bytes, then writes fail (a disk filling up in the middle of a write). */
        final AtomicBoolean partial = new AtomicBoolean();

        final AtomicInteger failedWrites = new AtomicInteger();
        final AtomicInteger failedForces = new AtomicInteger();
        final AtomicInteger forcesDone = new AtomicInteger();

        @Override
        public FileChannel open(Path file, OpenOption... options) throws IOException {
            return new FaultyChannel(FileChannel.open(file, options), this);
        }
    }

    private final FileChannel real;
    private final Faults faults;

    FaultyChannel(FileChannel real, Faults faults) {
        this.real = real;
        this.faults = faults;
    }

    private void checkWrite() throws IOException {
        if (faults.writes.get()) {
            faults.failedWrites.incrementAndGet();
            throw new IOException("No space left on device (injected)");
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkWrite();
        return real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        checkWrite();
        return real.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        checkWrite();
        real.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (faults.forces.get()) {
            faults.failedForces.incrementAndGet();
            throw new IOException("Input/output error (injected fsync failure)");
        }
        real.force(metaData);
        faults.forcesDone.incrementAndGet();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        checkWrite();
        return real.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        checkWrite();
        if (src.remaining() > 1 && faults.partial.compareAndSet(true, false)) {
            ByteBuffer half = src.slice(src.position(), src.remaining() / 2);
            int n = real.write(half, position);
            src.position(src.position() + n);
            faults.writes.set(true);
            return n;
        }
        return real.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
