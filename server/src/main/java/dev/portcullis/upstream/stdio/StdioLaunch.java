package dev.portcullis.upstream.stdio;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to start a stdio MCP server, fully resolved: the command line, the child's <em>entire</em>
 * environment (the gateway's own is never inherited), the working directory and the line limit.
 * {@link #toString()} leaves out the environment, whose values may be secrets.
 */
public record StdioLaunch(String serverName, List<String> commandLine, Map<String, String> environment,
                          Optional<Path> workingDirectory, int maxMessageBytes) {
    public StdioLaunch {
        commandLine = List.copyOf(commandLine);
        environment = Map.copyOf(environment);
    }

    @Override
    public String toString() {
        return "StdioLaunch[" + serverName + ": " + String.join(" ", commandLine) + ", env " + environment.keySet() + "]";
    }
}
