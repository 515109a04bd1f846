package dev.portcullis.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's help, wrapped at spaces. picocli breaks lines with {@link java.text.BreakIterator},
 * which also breaks after '.', ':' and '/' inside a word, so {@code auth.jwksUrl} or
 * {@code ./portcullis.yaml} came out cut in two at a line's end. Every table the help is made of —
 * description, options, commands, footer — now splits its text into lines at spaces first; only a
 * single word longer than a whole line is still cut, as nothing else fits it.
 */
final class WordWrappedHelp extends CommandLine.Help {

    WordWrappedHelp(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
    }

    @Override
    public Layout createDefaultLayout() {
        return wrapping(super.createDefaultLayout());
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
        return wrapping(super.createDefaultLayout(options, positionals, scheme));
    }

    private static Layout wrapping(Layout layout) {
        return new Layout(layout.colorScheme(), SpaceWrappedTable.copyOf(layout.textTable(), layout.colorScheme()),
                layout.optionRenderer(), layout.parameterRenderer());
    }

    @Override
    public TextTable createTextTable(Map<?, ?> map) {
        return SpaceWrappedTable.copyOf(super.createTextTable(map), colorScheme());
    }

    @Override
    public String description(Object... params) {
        return paragraphs(commandSpec().usageMessage().description(), params);
    }

    @Override
    public String footer(Object... params) {
        return paragraphs(commandSpec().usageMessage().footer(), params);
    }

    /** One line of the help's width per entry, as picocli's own join does, wrapped at spaces. */
    private String paragraphs(String[] lines, Object... params) {
        if (lines == null || lines.length == 0) {
            return "";
        }
        TextTable table = new SpaceWrappedTable(colorScheme(),
                new Column(commandSpec().usageMessage().width(), 0, Column.Overflow.WRAP));
        table.indentWrappedLines = 0;
        for (String line : lines) {
            table.addRowValues(colorScheme().text(params.length == 0 ? line : String.format(line, params)));
        }
        return table.toString();
    }

    /** A table whose wrapped cells break at spaces: each piece handed to picocli already fits. */
    static final class SpaceWrappedTable extends TextTable {
        private final ColorScheme scheme;

        SpaceWrappedTable(ColorScheme scheme, Column... columns) {
            super(scheme, columns);
            this.scheme = scheme;
        }

        static SpaceWrappedTable copyOf(TextTable table, ColorScheme scheme) {
            SpaceWrappedTable copy = new SpaceWrappedTable(scheme, table.columns());
            copy.indentWrappedLines = table.indentWrappedLines;
            copy.setAdjustLineBreaksForWideCJKCharacters(table.isAdjustLineBreaksForWideCJKCharacters());
            return copy;
        }

        @Override
        public Cell putValue(int row, int col, Text value) {
            Column column = columns()[col];
            if (value == null || column.overflow != Column.Overflow.WRAP) {
                return super.putValue(row, col, value);
            }
            int first = column.width - column.indent;
            List<Text> lines = wrap(value, first, first - indentWrappedLines);
            Cell last = new Cell(col, row);
            int at = row;
            for (int i = 0; i < lines.size(); i++) {
                while (at >= rowCount()) {
                    addEmptyRow();
                }
                Text line = i == 0 ? lines.get(i) : scheme.text(" ".repeat(indentWrappedLines)).concat(lines.get(i));
                last = super.putValue(at, col, line);
                at = last.row + 1;
            }
            return last;
        }

        /** Lines of at most {@code first} (then {@code rest}) characters, broken at spaces (and at line breaks). */
        static List<Text> wrap(Text text, int first, int rest) {
            String plain = text.plainString();
            List<Text> lines = new ArrayList<>();
            int lineStart = 0;
            int lineEnd = 0;
            int limit = first;
            int i = 0;
            while (i <= plain.length()) {
                if (i < plain.length() && plain.charAt(i) == '\n') {
                    lines.add(text.substring(lineStart, i));
                    lineStart = lineEnd = i + 1;
                    limit = rest;
                    i++;
                    continue;
                }
                int wordStart = i;
                while (i < plain.length() && plain.charAt(i) != ' ' && plain.charAt(i) != '\n') {
                    i++;
                }
                if (i - lineStart > limit && lineEnd > lineStart) {
                    lines.add(text.substring(lineStart, lineEnd));
                    lineStart = wordStart;
                    limit = rest;
                }
                lineEnd = i;
                if (i == plain.length()) {
                    break;
                }
                while (i < plain.length() && plain.charAt(i) == ' ') {
                    i++;
                }
            }
            lines.add(text.substring(lineStart, lineEnd));
            return lines;
        }
    }
}
