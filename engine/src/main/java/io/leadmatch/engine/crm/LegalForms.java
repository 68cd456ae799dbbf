package io.leadmatch.engine.crm;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The legal forms a company name may carry ("GmbH & Co. KG", "Pvt. Ltd.", "S.p.A.", "ООО", "株式会社"), derived when
 * the class loads from the bundled ISO 20275 Entity Legal Forms code list (GLEIF's CSV, {@code elf-code-list.csv},
 * refreshed by {@code scripts/refresh-legal-forms.sh}): every abbreviation in local and transliterated spelling,
 * every form name, and the initials of multi-word English form names ("Public Joint Stock Company" → PJSC). Each
 * is kept in its {@link CompanyNames#fold folded} form, so dotted and spaced spellings are one form.
 *
 * <p>Invariant: {@link #strip} only removes whole forms from the ends of a name, leaves a name that is itself a
 * form as it is, and always leaves at least one token (or, for a form written without spaces in Chinese, Japanese or Korean, at least one character).
 */
final class LegalForms {
    /** Longest form, in tokens: longer cells of the list are prose, not a form. */
    private static final int MAX_TOKENS = 6;

    private static final Pattern PARENTHESES = Pattern.compile("\\([^)]*\\)");
    /** Separators between alternatives inside one cell ("PULC / uc", "DAC – (limited by guarantee)"). */
    private static final Pattern ALTERNATIVES = Pattern.compile("[;,]| / | – | - ");

    private static final LegalForms BUNDLED = load();

    /** Folded forms, tokens joined by single spaces. */
    private final Set<String> forms;
    /** Forms of CJK scripts, written without spaces around them: longest first. */
    private final List<String> glued;

    private final int maxTokens;
    /** First and last words of the forms: most names end in no form's last word, and cost one probe. */
    private final Set<String> firstWords;

    private final Set<String> lastWords;

    private LegalForms(Set<String> forms) {
        this.forms = forms;
        Set<String> first = new HashSet<>();
        Set<String> last = new HashSet<>();
        for (String f : forms) {
            first.add(f.substring(0, f.indexOf(' ') < 0 ? f.length() : f.indexOf(' ')));
            last.add(f.substring(f.lastIndexOf(' ') + 1));
        }
        this.firstWords = Set.copyOf(first);
        this.lastWords = Set.copyOf(last);
        List<String> g = new ArrayList<>();
        int longest = 1;
        for (String f : forms) {
            longest = Math.max(longest, f.split(" ").length);
            if (f.length() >= 2 && allCjk(f)) {
                g.add(f);
            }
        }
        g.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        this.glued = List.copyOf(g);
        this.maxTokens = longest;
    }

    /** The forms derived from the bundled ELF code list. */
    static LegalForms bundled() {
        return BUNDLED;
    }

    /** Number of distinct folded forms. */
    int size() {
        return forms.size();
    }

    /** Whether {@code folded} (a {@link CompanyNames#fold} result) is a legal form of the list. */
    boolean contains(String folded) {
        return forms.contains(folded);
    }

    private static LegalForms load() {
        try (Reader r = new InputStreamReader(
                        Objects.requireNonNull(
                                LegalForms.class.getResourceAsStream("elf-code-list.csv"), "elf-code-list.csv"),
                        StandardCharsets.UTF_8);
                CsvReader<CsvRecord> csv = CsvReader.builder()
                        .allowMissingFields(true)
                        .allowExtraFields(true)
                        .ofCsvRecord(r)) {
            Map<String, Integer> columns = new HashMap<>();
            Set<String> forms = new HashSet<>();
            for (CsvRecord row : csv) {
                if (columns.isEmpty()) {
                    for (int i = 0; i < row.getFieldCount(); i++) {
                        columns.put(row.getField(i).replace("\uFEFF", "").trim(), i);
                    }
                    continue;
                }
                String language = field(row, columns, "Language Code (ISO 639-1)");
                for (String col : new String[] {"Abbreviations Local language", "Abbreviations transliterated"}) {
                    for (String cell : ALTERNATIVES.split(field(row, columns, col))) {
                        addForm(forms, cell);
                    }
                }
                for (String col : new String[] {
                    "Entity Legal Form name Local name",
                    "Entity Legal Form name Transliterated name (per ISO 01-140-10)"
                }) {
                    String name = field(row, columns, col);
                    addForm(forms, name);
                    if (language.equals("en")) {
                        addInitials(forms, name);
                    }
                }
            }
            if (forms.size() < 500) {
                throw new IllegalStateException("elf-code-list.csv gave only " + forms.size() + " legal forms");
            }
            return new LegalForms(Set.copyOf(forms));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled legal-form list", e);
        }
    }

    private static String field(CsvRecord row, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        if (i == null) {
            throw new IllegalStateException("elf-code-list.csv has no column '" + name + "'");
        }
        return i < row.getFieldCount() ? row.getField(i).trim() : "";
    }

    /** Adds a cell as it is and without its parenthesized parts ("UG (haftungsbeschränkt)" is both). */
    private static void addForm(Set<String> forms, String raw) {
        addFolded(forms, raw);
        if (raw.indexOf('(') >= 0) {
            addFolded(forms, PARENTHESES.matcher(raw).replaceAll(" "));
        }
    }

    private static void addFolded(Set<String> forms, String raw) {
        String f = CompanyNames.fold(raw);
        if (!f.isEmpty() && f.split(" ").length <= MAX_TOKENS) {
            forms.add(f);
        }
    }

    /** "Public Joint Stock Company" → "pjsc": English forms are written by their initials (three or more). */
    private static void addInitials(Set<String> forms, String name) {
        String[] words =
                CompanyNames.fold(PARENTHESES.matcher(name).replaceAll(" ")).split(" ");
        if (words.length < 3 || words.length > MAX_TOKENS) {
            return;
        }
        StringBuilder sb = new StringBuilder(words.length);
        for (String w : words) {
            char c = w.charAt(0);
            if (c < 'a' || c > 'z') {
                return;
            }
            sb.append(c);
        }
        forms.add(sb.toString());
    }

    /**
     * The folded name without its legal forms: up to two at the end ("Co., Ltd."), one at the start ("PT", "ООО",
     * "株式会社"), the longest first; a form glued to a CJK name is cut off too. A name that is only a form stays.
     */
    String strip(String folded) {
        if (folded.isEmpty() || forms.contains(folded)) {
            return folded; // a name that is only a form ("Ltd") keeps it
        }
        String[] tokens = folded.split(" ");
        int from = 0;
        int to = tokens.length;
        for (int round = 0; round < 2; round++) {
            int k = longestForm(tokens, from, to, true);
            if (k == 0) {
                break;
            }
            to -= k;
        }
        int k = longestForm(tokens, from, to, false);
        from += k;
        if (from == 0 && to == tokens.length) {
            return unglue(folded);
        }
        String rest = String.join(" ", Arrays.copyOfRange(tokens, from, to));
        return unglue(rest);
    }

    /** Tokens of the longest form at the end (or start) of {@code tokens[from, to)}, leaving one; 0 when none. */
    private int longestForm(String[] tokens, int from, int to, boolean atEnd) {
        if (to - from < 2 || !(atEnd ? lastWords.contains(tokens[to - 1]) : firstWords.contains(tokens[from]))) {
            return 0;
        }
        for (int k = Math.min(maxTokens, to - from - 1); k >= 1; k--) {
            int start = atEnd ? to - k : from;
            if (forms.contains(String.join(" ", Arrays.copyOfRange(tokens, start, start + k)))) {
                return k;
            }
        }
        return 0;
    }

    /** A CJK form written as part of the first or last word ("サクラテック株式会社", "深圳华科有限公司"). */
    private String unglue(String s) {
        String out = s;
        for (String g : glued) {
            if (out.length() > g.length() && out.endsWith(g) && out.charAt(out.length() - g.length() - 1) != ' ') {
                out = out.substring(0, out.length() - g.length());
                break;
            }
        }
        for (String g : glued) {
            if (out.length() > g.length() && out.startsWith(g) && out.charAt(g.length()) != ' ') {
                out = out.substring(g.length());
                break;
            }
        }
        return out;
    }

    private static boolean allCjk(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            if (script != Character.UnicodeScript.HAN
                    && script != Character.UnicodeScript.HIRAGANA
                    && script != Character.UnicodeScript.KATAKANA
                    && script != Character.UnicodeScript.HANGUL) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }
}
