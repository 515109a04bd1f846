package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.egress.EgressCheck;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.HostResolver;
import dev.portcullis.egress.MapHostResolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "egress", mixinStandardHelpOptions = true, description = "Ask the SSRF guard about outbound URLs.",
        subcommands = {EgressCommand.Check.class})
final class EgressCommand extends CommandGroup {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Would Portcullis let these through, and why not?",
                    "One line per target: allow<TAB>TARGET or block<TAB>TARGET<TAB>CODE: message.",
                    "A TARGET without a scheme is read as http://TARGET/; with no TARGET, one per line is read from"
                            + " standard input. Exit 0 if all are allowed, 3 if any is blocked, 2 on a usage or"
                            + " configuration error."},
            exitCodeOnInvalidInput = ExitCodes.USAGE)
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--context", defaultValue = "mcp", paramLabel = "CONTEXT",
                description = "mcp, oauth, endpoint or action (default: ${DEFAULT-VALUE}).")
        String context;

        @Option(names = "--resolve", paramLabel = "HOST=IP[,IP...]",
                description = "Answer DNS for HOST with these addresses, like curl's --resolve; other names are looked up normally.")
        List<String> resolve = new ArrayList<>();

        @Parameters(arity = "0..*", paramLabel = "TARGET", description = "URLs or hosts to check.")
        List<String> targets = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            EgressContext ctx;
            try {
                ctx = EgressContext.valueOf(context.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--context: use mcp, oauth, endpoint or action");
            }
            HostResolver resolver;
            try {
                resolver = resolve.isEmpty() ? HostResolver.system()
                        : new MapHostResolver(EgressCheck.parseResolve(resolve), HostResolver.system());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            ConfigLoader.Result result = config.load();
            if (result.config().isEmpty()) {
                result.errors().forEach(p -> spec.commandLine().getErr().println(p.describe()));
                return ExitCodes.USAGE;
            }
            PortcullisConfig c = result.config().get();
            PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return EgressCheck.run(c.egress().policy(resolver), ctx, targets, stdin, out);
        }
    }

    /** Bridges the egress library's PrintStream to picocli's writer, so tests can capture the output. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final java.io.PrintWriter writer;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterOutputStream(java.io.PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            writer.print(line.toString(StandardCharsets.UTF_8));
            writer.flush();
            line.reset();
        }
    }
}
