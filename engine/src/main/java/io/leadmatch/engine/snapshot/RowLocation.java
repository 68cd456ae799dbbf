package io.leadmatch.engine.snapshot;

/**
 * Where a CSV row came from ({@code Account.csv:42}), spelled out only when something reads it: a warning or a
 * skipped row. One per reading thread, moved from row to row, because a string per row would be garbage for
 * every row of a large load; {@link SnapshotBuilder} turns it into text at once, never keeps it.
 */
final class RowLocation implements CharSequence {
    private final String file;
    private long line;

    RowLocation(String file) {
        this.file = file;
    }

    /** This location, now at {@code line}. */
    RowLocation at(long line) {
        this.line = line;
        return this;
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }

    @Override
    public int length() {
        return toString().length();
    }

    @Override
    public char charAt(int index) {
        return toString().charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().subSequence(start, end);
    }
}
