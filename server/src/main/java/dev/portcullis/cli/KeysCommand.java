package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.crypto.Sealers;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.RegisteredClients;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.registry.UserServerStore;
import dev.portcullis.store.Database;
import dev.portcullis.store.UserVariables;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Rotate the key that seals tokens, client secrets and user variables at rest.",
                "1. portcullis keys rotate    prints a new key and the configuration change to make;",
                "2. deploy it to every replica (new writes use the new key; old records stay readable);",
                "3. portcullis keys reseal    re-encrypts every record still sealed with an old key.",
                "When reseal reports 0, the old key may be removed from encryption.previousKeys."},
        subcommands = {KeysCommand.Rotate.class, KeysCommand.Reseal.class})
final class KeysCommand extends CommandGroup {

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Print a new 32-byte key and how to install it beside the current one.")
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            PrintWriter out = spec.commandLine().getOut();
            out.println(Base64.getEncoder().encodeToString(key));
            PrintWriter err = spec.commandLine().getErr();
            err.println("Set this as encryption.key (for example through ${PORTCULLIS_ENCRYPTION_KEY}) and move the current");
            err.println("key to encryption.previousKeys, on every replica; then run: portcullis keys reseal");
            return ExitCodes.OK;
        }
    }

    @Command(name = "reseal", mixinStandardHelpOptions = true,
            description = "Re-encrypt, with the current key, every record sealed with a previous one.")
    static final class Reseal implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ConfigLoader.Result result = config.load();
            if (result.config().isEmpty()) {
                result.errors().forEach(p -> spec.commandLine().getErr().println(p.describe()));
                return ExitCodes.FAILURE;
            }
            PortcullisConfig c = result.config().get();
            if (c.encryption().key().isEmpty()) {
                spec.commandLine().getErr().println("portcullis: encryption.key is not set; nothing to reseal with");
                return ExitCodes.FAILURE;
            }
            SecretSealer sealer = Sealers.fromSettings(c.encryption(), c.storage().dataDir());
            Clock clock = Clock.systemUTC();
            try (Database db = Database.open(c.storage())) {
                int variables = new UserVariables(db.jdbi(), sealer, clock).resealAll();
                int grants = new TokenVault(db.jdbi(), sealer, clock).resealAll();
                int clients = new RegisteredClients(db.jdbi(), sealer, clock).resealAll();
                int servers = new UserServerStore(db.jdbi(), sealer, tools.jackson.databind.json.JsonMapper.builder().build(),
                        clock).resealAll();
                spec.commandLine().getOut().printf("resealed: %d user variables, %d grants, %d registered clients, %d user servers%n",
                        variables, grants, clients, servers);
            }
            return ExitCodes.OK;
        }
    }
}
