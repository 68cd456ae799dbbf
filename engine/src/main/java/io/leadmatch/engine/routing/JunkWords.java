package io.leadmatch.engine.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Junk words ("test", "asdf", ...) grouped by length, so that checking an email's local part or a company name
 * compares against the one or two words of that length, allocation-free and case-insensitively.
 */
public final class JunkWords {
    private final Set<String> words;
    private final String[][] byLength;

    /** @param words lowercase words */
    public JunkWords(Set<String> words) {
        this.words = Set.copyOf(words);
        int max = 0;
        for (String w : words) {
            max = Math.max(max, w.length());
        }
        List<List<String>> groups = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            groups.add(new ArrayList<>());
        }
        for (String w : words) {
            groups.get(w.length()).add(w.toLowerCase(Locale.ROOT));
        }
        byLength = new String[max + 1][];
        for (int i = 0; i <= max; i++) {
            byLength[i] = groups.get(i).toArray(new String[0]);
        }
    }

    /** The word {@code s[from, to)} equals, ignoring case, or null. */
    public String find(CharSequence s, int from, int to) {
        int len = to - from;
        if (len <= 0 || len >= byLength.length) {
            return null;
        }
        for (String w : byLength[len]) {
            if (regionEqualsIgnoreCase(w, s, from)) {
                return w;
            }
        }
        return null;
    }

    private static boolean regionEqualsIgnoreCase(String w, CharSequence s, int from) {
        for (int i = 0; i < w.length(); i++) {
            char a = w.charAt(i);
            char b = s.charAt(from + i);
            if (a != b && a != Character.toLowerCase(b)) {
                return false;
            }
        }
        return true;
    }

    /** The words. */
    Set<String> asSet() {
        return words;
    }

    @Override
    public String toString() {
        return words.toString();
    }
}
