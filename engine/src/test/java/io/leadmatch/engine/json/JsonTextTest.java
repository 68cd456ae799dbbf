package io.leadmatch.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link JsonText}: the one JSON string escaping of load reports and the audit export. */
class JsonTextTest {
    static String q(String s) {
        StringBuilder sb = new StringBuilder();
        JsonText.quote(sb, s);
        return sb.toString();
    }

    @Test
    void escapesWhatJsonAndJavaScriptNeed() {
        assertEquals("\"plain faß 日本\"", q("plain faß 日本"));
        assertEquals("\"a\\\"b\\\\c\"", q("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", q("\n\r\t\b\f"));
        assertEquals("\"\\u0001\\u001f\\u2028\\u2029\"", q("\u0001\u001f\u2028\u2029"));
        assertEquals("\"\"", q(""));
    }
}
