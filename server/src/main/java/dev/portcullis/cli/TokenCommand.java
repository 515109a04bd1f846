package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.identity.TokenVerifier;
import dev.portcullis.identity.TokenVerifiers;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print a platform token signed with the configured secret, for development and scripts.",
                "The token is HS256 with LibreChat's claims. Not available when auth.jwksUrl is set: tokens then"
                        + " come from your identity provider."})
final class TokenCommand implements Callable<Integer> {
    private static final Pattern TTL = Pattern.compile("(\\d+)([smhd])");

    @Mixin
    ConfigOption config;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "User id (the 'id' claim).")
    String user;

    @Option(names = "--role", defaultValue = "USER", paramLabel = "ROLE", description = "Role: USER, ADMIN, ... (default: ${DEFAULT-VALUE}).")
    String role;

    @Option(names = "--email", paramLabel = "E", description = "Email address (the 'email' claim).")
    String email;

    @Option(names = "--tenant", paramLabel = "T", description = "Tenant id, for multi-tenant platforms.")
    String tenant;

    @Option(names = "--group", paramLabel = "G", description = "A group the user belongs to (the 'groups' claim); repeat for several.")
    java.util.List<String> groups = new java.util.ArrayList<>();

    @Option(names = "--ttl", defaultValue = "1h", paramLabel = "DURATION",
            description = "Lifetime such as 90s, 30m, 1h or 7d (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Duration lifetime = parseTtl(ttl);
        ConfigLoader.Result result = config.load();
        if (result.config().isEmpty()) {
            result.errors().forEach(p -> spec.commandLine().getErr().println(p.describe()));
            return ExitCodes.FAILURE;
        }
        PortcullisConfig c = result.config().get();
        Optional<byte[]> secret = TokenVerifiers.sharedSecret(c);
        if (secret.isEmpty()) {
            spec.commandLine().getErr().println("portcullis: auth.jwksUrl is set, so tokens come from your identity provider");
            return ExitCodes.FAILURE;
        }
        String token = new TokenMinter(secret.get(), c.auth(), Clock.systemUTC()).mint(new TokenMinter.Claims(
                user, role, Optional.ofNullable(email), Optional.ofNullable(tenant), groups, lifetime));
        spec.commandLine().getOut().println(token);
        return ExitCodes.OK;
    }

    private Duration parseTtl(String text) {
        Matcher m = TTL.matcher(text.strip());
        if (!m.matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl: write a number and a unit, such as 90s, 30m, 1h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(TokenVerifier.MAX_LIFETIME) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl: must be more than 0 and at most "
                    + TokenVerifier.MAX_LIFETIME.toDays() + "d, the longest lifetime the gateway accepts");
        }
        return d;
    }
}
