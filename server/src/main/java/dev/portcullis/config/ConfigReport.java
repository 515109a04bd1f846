package dev.portcullis.config;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one load, tagged with the file they belong to. */
final class ConfigReport {
    private final String file;
    private final EnvSubstitution env;
    private final List<ConfigProblem> problems = new ArrayList<>();

    ConfigReport(String file, EnvSubstitution env) {
        this.file = file;
        this.env = env;
    }

    void error(int line, String path, String message) {
        problems.add(new ConfigProblem(file, line, path, ConfigProblem.Severity.ERROR, message));
    }

    void warning(int line, String path, String message) {
        problems.add(new ConfigProblem(file, line, path, ConfigProblem.Severity.WARNING, message));
    }

    String substitute(String text, int line, String path) {
        return env.apply(text, name -> error(line, path,
                "environment variable " + name + " is not set; set it, or write ${" + name + ":-default} to give a default"));
    }

    List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    boolean hasErrors() {
        return problems.stream().anyMatch(ConfigProblem::isError);
    }
}
