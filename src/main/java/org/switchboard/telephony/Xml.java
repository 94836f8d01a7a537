package org.switchboard.telephony;

/** Minimal XML text escaping for TwiML and Plivo XML replies (element text and attribute values). */
final class Xml {
    static final String PROLOGUE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private Xml() {}

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
