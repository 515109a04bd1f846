package dev.portcullis.config;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Collects the problems of one load, tagged with the file they belong to. A value read twice (a
 * parser looking at a key before reading it) reports its problem once.
 */
final class ConfigReport {
    private final String file;
    private final EnvSubstitution env;
    private final Set<ConfigProblem> problems = new LinkedHashSet<>();
    /** Variables never resolved inside mcpServers: LibreChat's sensitive ones and those Portcullis' secrets use. */
    private final Set<String> withheld = new TreeSet<>(EnvSubstitution.LIBRECHAT_SENSITIVE);

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

    /** A setting LibreChat's schema accepts that Portcullis does not use, and why. */
    void ignored(int line, String path, String reason) {
        problems.add(new ConfigProblem(file, line, path, ConfigProblem.Severity.IGNORED, reason));
    }

    /** Marks variables as the gateway's secrets: a server's settings may not send them anywhere. */
    void withhold(Collection<String> names) {
        withheld.addAll(names);
    }

    String substitute(String text, int line, String path, EnvSubstitution.Scope scope) {
        EnvSubstitution.Outcome outcome = env.apply(text, scope, withheld);
        for (String name : outcome.unset()) {
            if (scope == EnvSubstitution.Scope.GATEWAY) {
                error(line, path, "environment variable " + name + " is not set; set it, or write ${" + name
                        + ":-default} to give a default");
            } else {
                warning(line, path, "environment variable " + name + " is not set or is empty, so ${" + name
                        + "} stays as written (LibreChat's rule); set it, or write ${" + name + ":-default}");
            }
        }
        for (String name : outcome.withheld()) {
            warning(line, path, "${" + name + "} is never resolved in mcpServers and stays as written: it holds a"
                    + " secret of the gateway" + (EnvSubstitution.LIBRECHAT_SENSITIVE.contains(name) ? " (LibreChat's rule)"
                    : " (a secret setting of this file reads it)") + ", which a server's settings must not send upstream");
        }
        return outcome.text();
    }

    List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    boolean hasErrors() {
        return problems.stream().anyMatch(ConfigProblem::isError);
    }
}
