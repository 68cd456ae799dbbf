package io.leadmatch.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logging that cannot flood: per kind of event, at most one line per interval; the events suppressed in between are
 * counted and reported on the next line of that kind ("... (41 more since the last line)"). A client that sends a
 * million bad requests, or a full disk failing every call, costs a line per interval, not a line (or a stack trace)
 * per call.
 *
 * <p>Arguments that come from a request must go through {@link #escape} (done here for every argument): a value with
 * a newline or terminal control characters cannot forge or hide log lines.
 */
final class ThrottledLog {
    /** Longest request value written to a log line; the rest is cut and marked. */
    static final int MAX_VALUE_CHARS = 200;

    private final Logger log;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long lastLineNanos;
        boolean logged;
        final AtomicLong suppressed = new AtomicLong();
    }

    ThrottledLog(Logger log, LongSupplier nanoClock, long intervalNanos) {
        this.log = log;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
    }

    /** Ten seconds between lines of a kind, on the system's monotonic clock. */
    static ThrottledLog of(Logger log) {
        return new ThrottledLog(log, System::nanoTime, 10_000_000_000L);
    }

    void warn(String kind, String format, Object... args) {
        line(kind, false, format, args);
    }

    void error(String kind, String format, Object... args) {
        line(kind, true, format, args);
    }

    private void line(String kind, boolean error, String format, Object... args) {
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        long now = nanoClock.getAsLong();
        long more;
        synchronized (w) {
            if (w.logged && now - w.lastLineNanos < intervalNanos) {
                w.suppressed.incrementAndGet();
                return;
            }
            w.logged = true;
            w.lastLineNanos = now;
            more = w.suppressed.getAndSet(0);
        }
        Throwable cause = null;
        Object[] safe = new Object[args.length + (error ? 1 : 0)];
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Throwable t) {
                cause = t;
                safe[i] = describe(t);
            } else {
                safe[i] = escape(String.valueOf(args[i]));
            }
        }
        if (error) {
            // a fault's stack trace, once per interval per kind: enough to find the bug, too rare to flood
            safe[args.length] = cause;
        }
        String f = more > 0 ? format + " (" + more + " more since the last line of this kind)" : format;
        if (error) {
            log.error(f, safe);
        } else {
            log.warn(f, safe);
        }
    }

    /** A throwable in one line: its class and message, escaped (a stack trace per bad request is a log flood). */
    static String describe(Throwable t) {
        return escape(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    /**
     * {@code value} safe for a log line: backslash, control characters (newlines, escape sequences), line and
     * paragraph separators and unpaired surrogates as {@code \\uXXXX} (or {@code \n}, {@code \r}, {@code \t}),
     * cut at {@link #MAX_VALUE_CHARS}.
     */
    static String escape(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder b = null;
        int n = Math.min(value.length(), MAX_VALUE_CHARS);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean unsafe = c == '\\'
                    || Character.isISOControl(c)
                    || c == '\u2028'
                    || c == '\u2029'
                    || (Character.isSurrogate(c) && !pairedAt(value, i));
            if (Character.isHighSurrogate(c) && pairedAt(value, i)) {
                if (b != null) {
                    b.append(c).append(value.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (unsafe && b == null) {
                b = new StringBuilder(n + 16).append(value, 0, i);
            }
            if (b == null) {
                continue;
            }
            if (!unsafe) {
                b.append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\\') {
                b.append("\\\\");
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        String out = b == null ? value.substring(0, n) : b.toString();
        return value.length() > n ? out + "...(" + value.length() + " chars)" : out;
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isLowSurrogate(c) && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
