package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.identity.Caller;
import dev.portcullis.identity.TokenVerifier;
import dev.portcullis.testing.TestConfigs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path write(String name, String yaml) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void help_explains_every_command() {
        Run root = run("--help");
        assertThat(root.exit()).isZero();
        assertThat(root.out()).contains("serve", "token", "config", "egress");
        for (String[] command : new String[][] {{"serve", "--help"}, {"token", "--help"}, {"config", "check", "--help"},
                {"egress", "check", "--help"}}) {
            Run r = run(command);
            assertThat(r.exit()).as(String.join(" ", command)).isZero();
            assertThat(r.out()).contains("Usage:").contains("--config").doesNotContain("Unknown");
        }
    }

    /**
     * The launcher's training run for the start-up cache: it starts a gateway of its own, serves the first
     * requests and stops cleanly, and is not offered to people.
     */
    @Test
    void the_start_up_cache_training_run_serves_and_stops_and_is_hidden() {
        Run train = run("aot-train");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(run("--help").out()).doesNotContain("aot-train");
    }

    /** Every command's help at picocli's narrowest width: lines fit, and no word is cut at a line's end. */
    @Test
    void help_is_wrapped_between_words_at_a_narrow_width() {
        CommandLine cli = Main.commandLine();
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(55);
        List<CommandLine> commands = new ArrayList<>();
        collect(cli, commands);
        for (CommandLine command : commands) {
            String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
            String name = command.getCommandSpec().qualifiedName();
            assertThat(help.lines()).as(name).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(55));
            Set<String> rendered = new java.util.HashSet<>(List.of(help.split("\\s+")));
            for (String word : words(command)) {
                assertThat(rendered).as(name + ": '" + word + "' whole").contains(word);
            }
        }
        String root = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(root).contains("./portcullis.yaml").contains("$PORTCULLIS_CONFIG");
        assertThat(root.lines().filter(l -> l.startsWith("  token")).findFirst().orElseThrow())
                .as("the command list shows a whole first sentence").startsWith("  token               Print a platform token");
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    /** The words of a command's own texts: description, footer and option descriptions. */
    private static List<String> words(CommandLine command) {
        var spec = command.getCommandSpec();
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
        texts.addAll(List.of(spec.usageMessage().footer()));
        spec.options().forEach(o -> texts.addAll(List.of(o.description())));
        spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
        return texts.stream().flatMap(t -> java.util.Arrays.stream(t.split("\\s+")))
                .filter(w -> !w.isBlank() && !w.contains("${") && !w.contains("%")).toList();
    }

    @Test
    void config_check_prints_a_summary_for_a_good_file() throws Exception {
        Path file = write("good.yaml", "mcpServers:\n  a: {command: x}\n  b: {url: https://mcp.example.com}\nversion: 1.2.8\n");
        Run r = run("config", "check", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(": OK").contains("mcpServers:  2 (a, b)")
                .contains("ignored:     1 setting(s) Portcullis does not use:")
                .contains(file + ":4: ignored: version: LibreChat's own setting; Portcullis does not read it")
                .contains("development mode").doesNotContain("people:");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void config_check_names_the_roles_and_groups_auth_gives() throws Exception {
        Path file = write("people.yaml", """
                auth:
                  admins: {ids: [u1]}
                  roles: {REVIEWER: {emails: [r@example.com]}}
                  groups: {research: {ids: [u2]}}
                  directory: {enabled: false}
                """);
        Run r = run("config", "check", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("people:      roles ADMIN, REVIEWER; groups research; directory off")
                .as("ids and addresses are values, never printed").doesNotContain("u1").doesNotContain("r@example.com");
    }

    /** LibreChat's own example, mcpServers and mcpSettings uncommented: no error, and every ignored setting says why. */
    @Test
    void config_check_passes_librechats_example_and_names_what_it_ignores() throws Exception {
        Path file = Path.of(getClass().getResource("/config/librechat-example.yaml").toURI());
        Run r = run("config", "check", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(": OK").contains("(everything, coordinated-oauth, private-openid, puppeteer, filesystem, mcp-obsidian)")
                .contains(file + ":70: ignored: mcpServers.coordinated-oauth.oauthRefreshCoordination: refreshes are always coordinated")
                .contains("ignored: mcpSettings.apps: LibreChat's own setting");
        assertThat(r.err()).contains("warning: mcpServers.private-openid: {{LIBRECHAT_OPENID_ACCESS_TOKEN}} cannot be filled in")
                .doesNotContain("error");
    }

    @Test
    void config_check_lists_every_problem_and_exits_1() throws Exception {
        Path file = write("bad.yaml", "server:\n  port: x\nauth:\n  secret: tooshort-secret-value\n");
        Run r = run("config", "check", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(file + ":2: server.port:").contains(file + ":4: auth.secret:").contains("2 error(s)")
                .doesNotContain("tooshort-secret-value");
    }

    @Test
    void serve_refuses_an_invalid_file() throws Exception {
        Path file = write("bad.yaml", "server:\n  port: 99999\n");
        Run r = run("serve", "--config", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("server.port").contains("not starting");
    }

    @Test
    void config_check_and_serve_refuse_a_misspelled_section_and_name_the_right_one() throws Exception {
        Path file = write("typo.yaml", "mcpServer:\n  everything: {command: npx}\n");
        Run check = run("config", "check", file.toString());
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.err()).contains(file + ":1: mcpServer: unknown section; did you mean 'mcpServers'?");
        Run serve = run("serve", "--config", file.toString());
        assertThat(serve.exit()).isEqualTo(1);
        assertThat(serve.err()).contains("did you mean 'mcpServers'?").contains("not starting");
    }

    @Test
    void token_prints_a_token_the_gateway_accepts() throws Exception {
        Path file = write("p.yaml", "auth:\n  secret: " + TestConfigs.SECRET + "\n");
        Run r = run("token", "--config", file.toString(), "--user", "u42", "--role", "ADMIN", "--email", "a@b.c", "--ttl", "30m",
                "--group", "ops", "--group", "eng");
        assertThat(r.exit()).as(r.err()).isZero();
        var config = TestConfigs.fromYaml(Files.readString(file), dir);
        Caller caller = TokenVerifier.sharedSecret(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth())
                .verify(r.out().strip());
        assertThat(caller.userId()).isEqualTo("u42");
        assertThat(caller.isAdmin()).isTrue();
        assertThat(caller.email()).contains("a@b.c");
        assertThat(caller.groups()).containsExactly("ops", "eng");
    }

    @Test
    void token_in_development_mode_uses_the_generated_secret() throws Exception {
        Path file = write("dev.yaml", "server: {port: 3080}\n");
        Run first = run("token", "--config", file.toString(), "--user", "u1");
        Run second = run("token", "--config", file.toString(), "--user", "u1");
        assertThat(first.exit()).isZero();
        assertThat(Files.exists(dir.resolve("data/dev-jwt-secret"))).isTrue();
        assertThat(Files.getPosixFilePermissions(dir.resolve("data/dev-jwt-secret")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        var config = TestConfigs.fromYaml("", dir);
        TokenVerifier verifier = dev.portcullis.identity.TokenVerifiers.forConfig(config, null);
        assertThat(verifier.verify(first.out().strip()).userId()).isEqualTo("u1");
        assertThat(verifier.verify(second.out().strip()).userId()).isEqualTo("u1");
    }

    @Test
    void token_rejects_a_bad_ttl_as_a_usage_error() throws Exception {
        Path file = write("p.yaml", "");
        Run r = run("token", "--config", file.toString(), "--user", "u1", "--ttl", "forever");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--ttl");
    }

    @Test
    void egress_check_answers_per_target_with_exit_codes() throws Exception {
        Path file = write("e.yaml", "mcpSettings:\n  allowedAddresses: ['127.0.0.1:8080']\n");
        Run allowed = run("egress", "check", "--config", file.toString(), "http://127.0.0.1:8080/mcp");
        assertThat(allowed.exit()).isZero();
        assertThat(allowed.out()).isEqualTo("allow\thttp://127.0.0.1:8080/mcp\n");

        Run blocked = run("egress", "check", "--config", file.toString(), "169.254.169.254", "127.0.0.1:8080");
        assertThat(blocked.exit()).isEqualTo(3);
        assertThat(blocked.out().lines().toList()).hasSize(2);
        assertThat(blocked.out().lines().toList().getFirst()).startsWith("block\t169.254.169.254\t");
        assertThat(blocked.out().lines().toList().get(1)).isEqualTo("allow\t127.0.0.1:8080");
    }

    @Test
    void egress_check_answers_dns_from_resolve_and_judges_the_answer() throws Exception {
        Path file = write("e.yaml", "");
        Run rebinding = run("egress", "check", "--config", file.toString(), "--resolve", "evil.example.com=10.1.2.3",
                "https://evil.example.com/");
        assertThat(rebinding.exit()).isEqualTo(3);
        Run publicAnswer = run("egress", "check", "--config", file.toString(), "--resolve", "ok.example.com=93.184.215.14",
                "--context", "oauth", "https://ok.example.com/token");
        assertThat(publicAnswer.exit()).as(publicAnswer.out() + publicAnswer.err()).isZero();
    }

    @Test
    void egress_check_usage_and_config_errors_exit_2() throws Exception {
        Path good = write("e.yaml", "");
        assertThat(run("egress", "check", "--config", good.toString(), "--context", "ftp", "a.example").exit()).isEqualTo(2);
        assertThat(run("egress", "check", "--config", good.toString(), "--resolve", "nohost", "a.example").exit()).isEqualTo(2);
        Path bad = write("bad.yaml", "mcpSettings:\n  allowedAddresses: ['http://10.0.0.5/']\n");
        Run r = run("egress", "check", "--config", bad.toString(), "a.example");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":2: mcpSettings.allowedAddresses[0]:");
    }

    @Test
    void token_needs_a_user() {
        Run r = run("token");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--user");
    }
}
