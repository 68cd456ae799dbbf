package io.leadmatch.engine.domain;

import com.ibm.icu.text.IDNA;
import java.util.Set;

/**
 * UTS #46 processing and ToASCII for host names, shared by the normalizer (hosts from input) and the Public Suffix
 * List loader (rules), so a rule and a host written the same way always meet in the same punycode form.
 *
 * <p>Options follow what browsers do (the WHATWG URL standard's "domain to ASCII"): nontransitional processing, so
 * {@code ß} stays {@code ß} ({@code faß.de} → {@code xn--fa-hia.de}) instead of becoming {@code ss}; bidi and
 * CONTEXTJ checks on; STD3 rules on, so anything but letters, digits and hyphen is an error; hyphen placement is
 * <em>not</em> checked ({@code ab--cd.com}, {@code -foo.com} exist and browsers accept them), and the ASCII fast
 * path of the normalizer does not check it either. Java's {@code java.net.IDN} is IDNA2003 and must not be used.
 */
final class Idna {
    private static final IDNA UTS46 = IDNA.getUTS46Instance(
            IDNA.USE_STD3_RULES | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ | IDNA.NONTRANSITIONAL_TO_ASCII);

    private Idna() {}

    /**
     * Maps {@code name} to lowercase ASCII (punycode for non-ASCII labels) into {@code dest}.
     *
     * @return null on success, else why the name is not a valid host name (one of the normalizer's reasons)
     */
    static String toAscii(CharSequence name, StringBuilder dest) {
        IDNA.Info info = new IDNA.Info();
        try {
            UTS46.nameToASCII(name, dest, info);
        } catch (RuntimeException e) {
            // ICU documents no exceptions for any input; this keeps "never throws" true even if a version does.
            return DomainNormalizer.INVALID_IDN;
        }
        if (!info.hasErrors()) {
            return null;
        }
        Set<IDNA.Error> errors = info.getErrors();
        // Most specific reason first, so the reason a user sees names the actual problem.
        if (errors.contains(IDNA.Error.EMPTY_LABEL)) {
            return DomainNormalizer.EMPTY_LABEL;
        }
        if (errors.contains(IDNA.Error.DISALLOWED)) {
            return DomainNormalizer.INVALID_CHARACTER;
        }
        if (errors.contains(IDNA.Error.LABEL_TOO_LONG)) {
            return DomainNormalizer.LABEL_TOO_LONG;
        }
        if (errors.contains(IDNA.Error.DOMAIN_NAME_TOO_LONG)) {
            return DomainNormalizer.HOST_TOO_LONG;
        }
        if (errors.contains(IDNA.Error.PUNYCODE) || errors.contains(IDNA.Error.INVALID_ACE_LABEL)) {
            return DomainNormalizer.INVALID_PUNYCODE;
        }
        for (IDNA.Error error : errors) {
            if (error != IDNA.Error.LEADING_HYPHEN
                    && error != IDNA.Error.TRAILING_HYPHEN
                    && error != IDNA.Error.HYPHEN_3_4) {
                return DomainNormalizer.INVALID_IDN;
            }
        }
        return null;
    }
}
