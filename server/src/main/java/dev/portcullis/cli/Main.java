package dev.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code portcullis}: the gateway's command line. In every command's help, each description entry
 * is one paragraph, wrapped to the terminal; the first is a whole sentence, because the list of
 * commands shows only that one.
 */
@Command(name = "portcullis", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A multi-user MCP gateway: a registry of MCP servers, per-user connections and OAuth, an"
                + " encrypted token vault, and an SSRF guard on every outbound request.",
        subcommands = {ServeCommand.class, TokenCommand.class, ConfigCommand.class, EgressCommand.class, KeysCommand.class,
                ConformanceClientCommand.class, AotTrainCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Configuration: --config FILE, else $PORTCULLIS_CONFIG, else ./portcullis.yaml.",
                "Run 'portcullis help COMMAND' or 'portcullis COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // As wide as the terminal (80 when it cannot tell), wrapped at spaces: see WordWrappedHelp.
        cli.setUsageHelpAutoWidth(true);
        cli.setHelpFactory(WordWrappedHelp::new);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("portcullis: " + e.getMessage());
            return ExitCodes.FAILURE;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"portcullis " + (v == null ? "development build" : v)};
        }
    }
}
