package dev.portcullis.console;

import java.util.List;

/**
 * What the "MCP clients" page shows: the front door's addresses and a configuration for each common client,
 * filled in with this gateway's address (the same as docs/mcp-endpoint.md, "Connecting clients").
 */
public record ClientSetup(String endpoint, String exampleServer, String tokenAdvice, List<Snippet> snippets) {

    /** The address of one server (its name encoded as a path segment). */
    public String serverEndpoint() {
        return endpoint + "/" + dev.portcullis.config.ServerNames.encoded(exampleServer);
    }

    /** One client's configuration, to copy. */
    public record Snippet(String id, String client, String where, String text) {
    }

    public static ClientSetup forEndpoint(String endpoint, String exampleServer, boolean clientsAuthorizeThemselves) {
        String advice = clientsAuthorizeThemselves
                ? "Clients that support MCP authorization sign you in themselves; for others, put a token from your"
                + " platform where <token> stands."
                : "Put a token from your platform (the one it uses for you at this gateway) where <token> stands.";
        return new ClientSetup(endpoint, exampleServer, advice, List.of(
                new Snippet("claude-code", "Claude Code", "In a terminal:",
                        "claude mcp add --transport http portcullis '" + endpoint + "' \\\n  --header \"Authorization: Bearer <token>\""),
                new Snippet("vscode", "VS Code", ".vscode/mcp.json (the token is asked for once and kept in VS Code's secret storage):",
                        """
                        {
                          "inputs": [{"type": "promptString", "id": "portcullis-token", "description": "Portcullis token", "password": true}],
                          "servers": {
                            "portcullis": {
                              "type": "http",
                              "url": "%s",
                              "headers": {"Authorization": "Bearer ${input:portcullis-token}"}
                            }
                          }
                        }""".formatted(endpoint)),
                new Snippet("cursor", "Cursor", "~/.cursor/mcp.json or .cursor/mcp.json:",
                        """
                        {
                          "mcpServers": {
                            "portcullis": {
                              "url": "%s",
                              "headers": {"Authorization": "Bearer <token>"}
                            }
                          }
                        }""".formatted(endpoint)),
                new Snippet("claude-desktop", "Claude Desktop", "claude_desktop_config.json (a bearer token goes through mcp-remote):",
                        """
                        {
                          "mcpServers": {
                            "portcullis": {
                              "command": "npx",
                              "args": ["-y", "mcp-remote", "%s", "--header", "Authorization:${PORTCULLIS_AUTH}"],
                              "env": {"PORTCULLIS_AUTH": "Bearer <token>"}
                            }
                          }
                        }""".formatted(endpoint)),
                new Snippet("inspector", "MCP Inspector", "To try it from a terminal (Node 22.19 or newer):",
                        "npx @modelcontextprotocol/inspector --cli '" + endpoint + "' --transport http \\\n"
                                + "  --header \"Authorization: Bearer <token>\" --method tools/list")));
    }
}
