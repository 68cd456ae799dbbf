package io.leadmatch.engine.json;

/**
 * JSON string literals (RFC 8259) for the JSON the engine writes by hand: load reports and the audit export.
 * Quote, backslash and control characters are escaped, and so are U+2028/U+2029 (valid JSON, but not valid
 * JavaScript), so any line can be pasted into a script.
 */
public final class JsonText {
    private JsonText() {}

    /** Appends {@code s} as a JSON string literal. */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
