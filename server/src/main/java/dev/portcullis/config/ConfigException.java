package dev.portcullis.config;

import java.util.List;

/** The configuration cannot be used; {@link #problems()} lists every error found, not just the first. */
public final class ConfigException extends RuntimeException {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.size() + " configuration error(s)");
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    public String describe() {
        StringBuilder out = new StringBuilder();
        for (ConfigProblem p : problems) {
            out.append(p.describe()).append('\n');
        }
        return out.toString();
    }
}
