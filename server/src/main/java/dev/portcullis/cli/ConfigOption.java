package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command that reads the configuration. */
final class ConfigOption {
    static final String ENV = "PORTCULLIS_CONFIG";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: $PORTCULLIS_CONFIG, else ./portcullis.yaml).")
    Path file;

    Path resolve(Map<String, String> env) {
        if (file != null) {
            return file;
        }
        String fromEnv = env.get(ENV);
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : Path.of("portcullis.yaml");
    }

    ConfigLoader.Result load() {
        Map<String, String> env = System.getenv();
        return new ConfigLoader(env).load(resolve(env));
    }
}
