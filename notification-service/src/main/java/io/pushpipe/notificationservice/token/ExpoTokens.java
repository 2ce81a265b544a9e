package io.pushpipe.notificationservice.token;

/** The format of Expo push tokens, and how they appear in logs and API answers: masked. */
public final class ExpoTokens {

    /** {@code ExponentPushToken[...]} or {@code ExpoPushToken[...]}, as Expo's SDKs accept them. */
    public static final String REGEX = "(ExponentPushToken|ExpoPushToken)\\[[A-Za-z0-9_\\-]{1,200}]";

    private static final java.util.regex.Pattern IN_TEXT = java.util.regex.Pattern.compile(REGEX);

    /**
     * The text with every token in it masked, for messages that quote a token: Expo's ticket errors do
     * ({@code "ExponentPushToken[…]" is not a registered push notification recipient}).
     */
    public static String maskWithin(String text) {
        return text == null
                ? null
                : IN_TEXT.matcher(text)
                        .replaceAll(found -> java.util.regex.Matcher.quoteReplacement(mask(found.group())));
    }

    /**
     * The token with most of its secret part hidden, for example {@code ExponentPushToken[xTo1…Kq]}: enough
     * to tell two devices apart in a log, not enough to push to one.
     */
    public static String mask(String token) {
        int open = token.indexOf('[');
        int close = token.lastIndexOf(']');
        if (open < 0 || close <= open) {
            return "<token of " + token.length() + " characters>";
        }
        String secret = token.substring(open + 1, close);
        String shown = secret.length() <= 6 ? "" : secret.substring(0, 4) + "…" + secret.substring(secret.length() - 2);
        return token.substring(0, open + 1) + (shown.isEmpty() ? "…" : shown) + "]";
    }
}
