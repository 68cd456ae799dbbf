package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.SubstituteLogger;

/** One line per kind per interval with a count of what was held back; request values cannot break a line. */
class ThrottledLogTest {
    private final ConcurrentLinkedQueue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final AtomicLong now = new AtomicLong();
    private final ThrottledLog log = new ThrottledLog(recording(events), now::get, 1_000);

    /** A logger that keeps its events in {@code events}. */
    static Logger recording(Queue<SubstituteLoggingEvent> events) {
        return new EventRecordingLogger(new SubstituteLogger("t", events, false), events);
    }

    /** The lines {@code events} hold, formatted. */
    static List<String> lines(Collection<SubstituteLoggingEvent> events) {
        List<String> out = new ArrayList<>();
        for (SubstituteLoggingEvent e : events) {
            out.add(MessageFormatter.arrayFormat(e.getMessage(), e.getArgumentArray())
                    .getMessage());
        }
        return out;
    }

    private List<String> lines() {
        return lines(events);
    }

    @Test
    void aHundredThousandFaultsOfAKindAreALineAnIntervalWithACount() {
        for (int i = 0; i < 100_000; i++) {
            log.error("disk-full", "append failed: {}", new IOException("No space left on device"));
        }
        log.warn("other", "another kind: {}", "x");
        now.addAndGet(1_000);
        log.error("disk-full", "append failed: {}", new IOException("No space left on device"));
        List<String> lines = lines();
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("append failed: IOException: No space left on device", lines.get(0));
        assertEquals(
                "append failed: IOException: No space left on device (99999 more since the last line of this kind)",
                lines.get(2));
    }

    @Test
    void requestValuesAreEscaped() {
        assertEquals("a\\nFAKE LINE\\r\\u001b[31m\\\\", ThrottledLog.escape("a\nFAKE LINE\r\u001b[31m\\"));
        assertEquals("lone \\ud800 surrogate", ThrottledLog.escape("lone \ud800 surrogate"));
        assertEquals("pair \ud83d\ude00 kept", ThrottledLog.escape("pair \ud83d\ude00 kept"));
        assertEquals("sep\\u2028", ThrottledLog.escape("sep\u2028"));
        String huge = ThrottledLog.escape("x".repeat(3_000_000));
        assertTrue(huge.length() < 300 && huge.endsWith("...(3000000 chars)"), huge.substring(0, 50));
        log.warn("k", "refused request_id={}", "id\nINFO forged line");
        assertEquals(List.of("refused request_id=id\\nINFO forged line"), lines());
    }
}
