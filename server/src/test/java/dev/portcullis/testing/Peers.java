package dev.portcullis.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real MCP peers installed by scripts/peers.sh; a test that needs one fails loudly without it. */
public final class Peers {
    private Peers() {
    }

    public static Path dir() {
        return Path.of(System.getProperty("portcullis.peers", "../.peers")).toAbsolutePath().normalize();
    }

    /** The entry point of @modelcontextprotocol/server-everything. */
    /** axe-core's browser bundle, for the console's accessibility scans. */
    public static Path axeCore() {
        Path script = dir().resolve("node_modules/axe-core/axe.min.js");
        if (!java.nio.file.Files.isRegularFile(script)) {
            throw new AssertionError("axe-core is not installed at " + script + "; run scripts/peers.sh");
        }
        return script;
    }

    public static Path serverEverything() {
        Path script = dir().resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        if (!Files.isRegularFile(script)) {
            throw new AssertionError("server-everything is not installed at " + script + "; run scripts/peers.sh");
        }
        return script;
    }
}
