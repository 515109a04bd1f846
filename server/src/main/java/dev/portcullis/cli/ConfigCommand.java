package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigProblem;
import dev.portcullis.config.PortcullisConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with the configuration file.",
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand extends CommandGroup {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a configuration file.", "Print every problem (file:line: path: what to fix) and"
                    + " exit 1, or print a summary and exit 0. Secrets are never printed."})
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file to check; the same as --config FILE.")
        Path file;

        @picocli.CommandLine.Mixin
        ConfigOption config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, String> env = System.getenv();
            if (file != null) {
                config.file = file;
            }
            Path path = config.resolve(env);
            ConfigLoader.Result result = new ConfigLoader(env).load(path);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            result.problems().stream().filter(p -> !p.isIgnored()).map(ConfigProblem::describe).forEach(err::println);
            if (result.config().isEmpty()) {
                err.println(path + ": " + result.errors().size() + " error(s)");
                return ExitCodes.FAILURE;
            }
            summary(result.config().get(), out);
            List<ConfigProblem> ignored = result.problems().stream().filter(ConfigProblem::isIgnored).toList();
            if (!ignored.isEmpty()) {
                // Every setting the file has that Portcullis does not use, each with the reason.
                out.println("  ignored:     " + ignored.size() + " setting(s) Portcullis does not use:");
                ignored.forEach(p -> out.println("    " + p.describe()));
            }
            return ExitCodes.OK;
        }

        private static void summary(PortcullisConfig c, PrintWriter out) {
            out.println(c.source() + ": OK");
            out.println("  listen:      " + c.server().host() + ":" + c.server().port() + " (public URL " + c.server().publicUrl() + ")");
            out.println("  storage:     " + (c.storage().isPostgres() ? "PostgreSQL" : "H2 file database in " + c.storage().dataDir()));
            out.println("  redis:       " + (c.redis().isPresent() ? "configured" : "none (single replica, in-memory state)"));
            out.println("  auth:        " + (c.auth().jwksUrl().isPresent() ? "JWKS " + c.auth().jwksUrl().get()
                    : c.auth().secret().isPresent() ? "shared HS256 secret" : "development mode (generated secret)"));
            out.println("  encryption:  " + (c.encryption().key().isPresent()
                    ? "key set" + (c.encryption().previousKeys().isEmpty() ? "" : ", " + c.encryption().previousKeys().size() + " previous")
                    : "no key set"));
            people(c).ifPresent(line -> out.println("  people:      " + line));
            out.println("  mcpServers:  " + c.mcpServers().size() + (c.mcpServers().isEmpty() ? "" : " (" + String.join(", ", c.mcpServers().keySet()) + ")"));
        }

        /** The roles and groups auth gives, and the directory when it is off: what an operator checks a mapping by. */
        private static java.util.Optional<String> people(PortcullisConfig c) {
            List<String> parts = new java.util.ArrayList<>();
            var mapping = c.auth().mapping();
            if (!mapping.roles().isEmpty()) {
                parts.add("roles " + String.join(", ", mapping.roles().keySet()));
            }
            if (!mapping.groups().isEmpty()) {
                parts.add("groups " + String.join(", ", mapping.groups().keySet()));
            }
            if (!c.auth().directory().enabled()) {
                parts.add("directory off");
            }
            return parts.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join("; ", parts));
        }
    }

}
