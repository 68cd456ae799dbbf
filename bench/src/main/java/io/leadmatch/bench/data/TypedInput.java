package io.leadmatch.bench.data;

import java.util.Locale;

/**
 * Renders a host as the email address or website a person types into a form or a CRM field: {@code www.}, a
 * scheme, a path or query, a port, upper case, display names, {@code mailto:}, {@code +tags}, stray spaces and,
 * rarely, the ideographic full stop of a Japanese keyboard. Every form here normalizes back to the host by the
 * rules of MATCHING.md, so the mess costs the matcher work without changing which account a lead belongs to.
 */
final class TypedInput {
    private TypedInput() {}

    /** Appends {@code host} as a website. */
    static StringBuilder website(String host, SplitMix64 rng, StringBuilder out) {
        double u = rng.nextDouble();
        if (u < 0.30) {
            out.append(host);
        } else if (u < 0.55) {
            out.append("www.").append(host);
        } else if (u < 0.73) {
            out.append("https://www.").append(host).append('/');
        } else if (u < 0.81) {
            out.append("http://").append(host);
        } else if (u < 0.89) {
            out.append("https://").append(host).append(rng.pick(Vocabulary.URL_PATHS));
        } else if (u < 0.94) {
            out.append("HTTPS://WWW.").append(host.toUpperCase(Locale.ROOT)).append("/ABOUT");
        } else if (u < 0.97) {
            out.append(host).append('/');
        } else if (u < 0.997) {
            out.append("https://").append(host).append(":443/");
        } else {
            out.append(host.replace('.', '\u3002'));
        }
        return out;
    }

    /**
     * Appends an address at {@code host}; {@code first} and {@code last} are the person's display name, used by
     * the display-name forms.
     */
    static StringBuilder email(
            String local, String host, String first, String last, SplitMix64 rng, StringBuilder out) {
        double u = rng.nextDouble();
        if (u < 0.62) {
            out.append(local).append('@').append(host);
        } else if (u < 0.71) {
            out.append(capitalize(local)).append('@').append(host.toUpperCase(Locale.ROOT));
        } else if (u < 0.83) {
            out.append(first)
                    .append(' ')
                    .append(last)
                    .append(" <")
                    .append(local)
                    .append('@')
                    .append(host)
                    .append('>');
        } else if (u < 0.87) {
            out.append('"')
                    .append(last)
                    .append(", ")
                    .append(first)
                    .append("\" <")
                    .append(local)
                    .append('@')
                    .append(host)
                    .append('>');
        } else if (u < 0.89) {
            out.append("mailto:").append(local).append('@').append(host);
        } else if (u < 0.94) {
            out.append("  ").append(local).append('@').append(host).append(' ');
        } else {
            out.append(local)
                    .append('+')
                    .append(rng.pick(Vocabulary.PLUS_TAGS))
                    .append('@')
                    .append(host);
        }
        return out;
    }

    /** Upper-cases the first letter of each dot-separated part: {@code jane.doe} → {@code Jane.Doe}. */
    static String capitalize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(start ? Character.toUpperCase(c) : c);
            start = c == '.' || c == '_' || c == '-';
        }
        return b.toString();
    }
}
