package dev.portcullis.error;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The names a mistyped one was most likely meant to be, for messages that teach ("did you mean
 * 'mcpServers'?"). Distance is counted in edits — insert, delete, replace, or swap two neighbours
 * (so {@code ecoh} is one edit from {@code echo}) — ignoring case; a candidate counts only when it
 * is close enough to be a typo: at most two edits, or a third of the name's length for long names.
 */
public final class DidYouMean {
    private DidYouMean() {
    }

    /** At most {@code limit} candidates close to {@code word}, nearest first, then by name. */
    public static List<String> closest(String word, Collection<String> candidates, int limit) {
        String w = word.toLowerCase(Locale.ROOT);
        int bound = Math.max(2, w.length() / 3);
        record Scored(String name, int distance) {
        }
        return candidates.stream().distinct()
                .map(c -> new Scored(c, distance(w, c.toLowerCase(Locale.ROOT))))
                .filter(s -> s.distance() <= bound && !s.name().equals(word))
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(limit).map(Scored::name).toList();
    }

    /** Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
