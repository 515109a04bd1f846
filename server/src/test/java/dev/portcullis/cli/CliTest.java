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
        assertThat(root.out()).contains("serve", "token", "config");
        for (String[] command : new String[][] {{"serve", "--help"}, {"token", "--help"}, {"config", "check", "--help"}}) {
            Run r = run(command);
            assertThat(r.exit()).as(String.join(" ", command)).isZero();
            assertThat(r.out()).contains("Usage:").contains("--config").doesNotContain("Unknown");
        }
    }

    @Test
    void config_check_prints_a_summary_for_a_good_file() throws Exception {
        Path file = write("good.yaml", "mcpServers:\n  a: {command: x}\n  b: {url: https://mcp.example.com}\nversion: 1.2.8\n");
        Run r = run("config", "check", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(": OK").contains("mcpServers:  2 (a, b)").contains("ignored:     version")
                .contains("development mode");
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
    void token_prints_a_token_the_gateway_accepts() throws Exception {
        Path file = write("p.yaml", "auth:\n  secret: " + TestConfigs.SECRET + "\n");
        Run r = run("token", "--config", file.toString(), "--user", "u42", "--role", "ADMIN", "--email", "a@b.c", "--ttl", "30m");
        assertThat(r.exit()).as(r.err()).isZero();
        var config = TestConfigs.fromYaml(Files.readString(file), dir);
        Caller caller = TokenVerifier.sharedSecret(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth())
                .verify(r.out().strip());
        assertThat(caller.userId()).isEqualTo("u42");
        assertThat(caller.isAdmin()).isTrue();
        assertThat(caller.email()).contains("a@b.c");
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
    void token_needs_a_user() {
        Run r = run("token");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--user");
    }
}
