package dev.portcullis.testing;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import java.nio.file.Path;
import java.util.Map;

/** Builds configurations from YAML text, the way operators write them. */
public final class TestConfigs {
    /** A 32-byte HS256 secret for tests. */
    public static final String SECRET = "test-secret-0123456789abcdef0123456789abcdef";

    private TestConfigs() {
    }

    public static PortcullisConfig fromYaml(String yaml, Path baseDir) {
        return fromYaml(yaml, baseDir, Map.of());
    }

    public static PortcullisConfig fromYaml(String yaml, Path baseDir, Map<String, String> env) {
        return new ConfigLoader(env).load("test.yaml", yaml, baseDir).orThrow();
    }
}
