package dev.portcullis.config;

/**
 * What may stand in an outbound header value: RFC 9110's field-value allows visible characters,
 * space and tab, and nothing else below U+0020 or at U+007F. A CR or LF would end the header early
 * and let the rest of a value become a header (or a request) of its own; NUL truncates in some
 * stacks. Every value that can reach a header — configured headers, API keys, users' values
 * substituted into them — is checked against this one rule, and refused without being echoed.
 */
public final class HeaderValues {
    /** The message for a refused value; it never repeats the value, which may be a secret. */
    public static final String PROBLEM = "must not contain line breaks, NUL or other control characters";

    private HeaderValues() {
    }

    public static boolean isSendable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }
}
