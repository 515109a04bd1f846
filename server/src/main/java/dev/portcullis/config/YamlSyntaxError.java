package dev.portcullis.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ScannerException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Where a YAML syntax error most likely is. The engine reports where it gave up, which is often
 * later than the mistake: an unclosed quote fails at the end of the file, a missing ':' on the
 * line after it. So the events parsed before the failure are replayed, and the line is chosen
 * from their positions (never from the engine's wording):
 * <ul>
 *   <li>a token the scanner was reading when it failed (a quoted string) started at its context
 *       mark: that line is where the quote was opened and not closed;</li>
 *   <li>inside a {@code [} or {@code {} opened on an earlier line, the opening line is named;</li>
 *   <li>a plain value that ran on into the failing line is a key line without its ':' when it
 *       stands at the start of its line (name that line), or a continuation indented too deeply
 *       when it followed a key (name the failing line, and the key's). YAML cannot tell these two
 *       apart in general — {@code port 3080} followed by an indented line is valid text — so the
 *       message names both lines.</li>
 * </ul>
 * Messages carry the engine's problem, never a snippet of the file, which may hold a secret.
 */
record YamlSyntaxError(int line, String message) {

    static YamlSyntaxError locate(String text, LoadSettings settings, MarkedYamlEngineException failure) {
        int failedAt = line(failure.getProblemMark()).orElse(line(failure.getContextMark()).orElse(0));
        String problem = "not valid YAML: " + failure.getProblem();
        Optional<Integer> context = line(failure.getContextMark());
        if (failure instanceof ScannerException && context.isPresent() && context.get() < failedAt) {
            return new YamlSyntaxError(context.get(), problem + " (" + failure.getContext() + " that starts on this line,"
                    + " and was still open at line " + failedAt + ")");
        }
        Replay replay = Replay.upTo(text, settings);
        CollectionStartEvent open = replay.open.peek();
        if (open != null && open.isFlow() && line(open.getStartMark()).orElse(failedAt) < failedAt) {
            String bracket = open.getEventId() == Event.ID.SequenceStart ? "[" : "{";
            return new YamlSyntaxError(line(open.getStartMark()).orElseThrow(), problem + " at line " + failedAt
                    + "; the '" + bracket + "' opened on this line may be missing its closing bracket");
        }
        if (replay.last instanceof ScalarEvent scalar && scalar.isPlain()
                && line(scalar.getStartMark()).orElse(failedAt) < failedAt && line(scalar.getEndMark()).orElse(0) == failedAt) {
            Mark start = scalar.getStartMark().orElseThrow();
            int keyLine = start.getLine() + 1;
            if (startsItsLine(text, start)) {
                return new YamlSyntaxError(keyLine, problem + " at line " + failedAt + "; this line has no ':' after its key,"
                        + " so the lines below it were read as more of its text");
            }
            return new YamlSyntaxError(failedAt, problem + "; this line is indented deeper than the key on line " + keyLine
                    + ", so it was read as more of that key's value (or is the ':' missing on line " + keyLine + "?)");
        }
        return new YamlSyntaxError(failedAt, problem);
    }

    private static Optional<Integer> line(Optional<Mark> mark) {
        return mark.map(m -> m.getLine() + 1);
    }

    /** Whether only blanks (or a list's '- ') precede the mark on its line. */
    private static boolean startsItsLine(String text, Mark mark) {
        int lineStart = mark.getIndex() - mark.getColumn();
        for (int i = Math.max(0, lineStart); i < mark.getIndex() && i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** The events the parser produced before it failed: the collections still open, and the last one. */
    private static final class Replay {
        private final Deque<CollectionStartEvent> open = new ArrayDeque<>();
        private Event last;

        static Replay upTo(String text, LoadSettings settings) {
            Replay replay = new Replay();
            try {
                for (Event event : new Parse(settings).parseString(text)) {
                    switch (event) {
                        case CollectionStartEvent start -> replay.open.push(start);
                        case Event end when end.getEventId() == Event.ID.MappingEnd || end.getEventId() == Event.ID.SequenceEnd ->
                                replay.open.poll();
                        default -> {
                        }
                    }
                    replay.last = event;
                }
            } catch (YamlEngineException expected) {
                // the same failure, reached again: what was parsed before it is what counts
            }
            return replay;
        }
    }
}
