package dev.portcullis.oauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server written to the 2025-03-26 revision on one loopback origin: an MCP endpoint at {@code /mcp}
 * whose 401 names no resource metadata, and its own authorization server — either described by RFC
 * 8414 metadata at the root, or (without metadata) at the default {@code /authorize}, {@code /token}
 * and {@code /register}. It auto-approves, checks PKCE S256 at the token endpoint, and accepts only
 * the token it issued. Every request it got is kept.
 */
final class LegacyMcpServer implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "legacy-access-token";

    record Seen(String method, String path, Map<String, String> query, Map<String, String> form, String protocolVersion) {
    }

    private final HttpServer server;
    private final boolean publishesMetadata;
    private final Map<String, String> challenges = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** @param publishesMetadata whether {@code /.well-known/oauth-authorization-server} exists */
    LegacyMcpServer(boolean publishesMetadata) {
        this.publishesMetadata = publishesMetadata;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<String> paths() {
        return seen.stream().map(Seen::path).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> query = decode(exchange.getRequestURI().getRawQuery());
        Map<String, String> form = "/token".equals(path) || "/oauth/token".equals(path) ? decode(body) : Map.of();
        seen.add(new Seen(exchange.getRequestMethod(), path, query, form,
                exchange.getRequestHeaders().getFirst("MCP-Protocol-Version")));
        String endpoints = publishesMetadata ? "/oauth" : "";
        if (path.equals("/mcp")) {
            mcp(exchange, body);
        } else if (path.equals("/.well-known/oauth-authorization-server") && publishesMetadata) {
            reply(exchange, 200, Map.of("issuer", origin(), "authorization_endpoint", origin() + "/oauth/authorize",
                    "token_endpoint", origin() + "/oauth/token", "registration_endpoint", origin() + "/oauth/register",
                    "code_challenge_methods_supported", List.of("S256"), "response_types_supported", List.of("code")));
        } else if (path.equals(endpoints + "/register") && exchange.getRequestMethod().equals("POST")) {
            reply(exchange, 201, Map.of("client_id", "legacy-client", "client_secret", "legacy-secret",
                    "redirect_uris", JSON.readTree(body).get("redirect_uris")));
        } else if (path.equals(endpoints + "/authorize")) {
            String code = "code-" + challenges.size();
            challenges.put(code, query.getOrDefault("code_challenge", ""));
            exchange.getResponseHeaders().add("Location", query.get("redirect_uri") + "?code=" + code + "&state="
                    + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        } else if (path.equals(endpoints + "/token") && exchange.getRequestMethod().equals("POST")) {
            String challenge = challenges.remove(form.getOrDefault("code", ""));
            if (challenge == null || !challenge.equals(s256(form.getOrDefault("code_verifier", "")))) {
                reply(exchange, 400, Map.of("error", "invalid_grant"));
            } else {
                reply(exchange, 200, Map.of("access_token", TOKEN, "token_type", "Bearer", "expires_in", 3600));
            }
        } else {
            reply(exchange, 404, Map.of("error", "not_found"));
        }
    }

    /** The session revisions' Streamable HTTP with JSON answers; {@code server/discover} is unknown here. */
    @SuppressWarnings("unchecked")
    private void mcp(HttpExchange exchange, String body) throws IOException {
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            reply(exchange, 401, Map.of("error", "invalid_token"));
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            reply(exchange, 405, Map.of());
            return;
        }
        Map<String, Object> request = JSON.readValue(body, Map.class);
        if (!request.containsKey("id")) {
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        Object result = switch (String.valueOf(request.get("method"))) {
            case "initialize" -> Map.of("protocolVersion", "2025-03-26", "capabilities", Map.of("tools", Map.of()),
                    "serverInfo", Map.of("name", "legacy", "version", "1"));
            case "tools/list" -> Map.of("tools", List.of(Map.of("name", "whoami", "inputSchema", Map.of("type", "object"))));
            case "tools/call" -> Map.of("content", List.of(Map.of("type", "text", "text", "a 2025-03-26 server")));
            default -> null;
        };
        reply(exchange, 200, result != null ? Map.of("jsonrpc", "2.0", "id", request.get("id"), "result", result)
                : Map.of("jsonrpc", "2.0", "id", request.get("id"), "error", Map.of("code", -32601, "message", "Method not found")));
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static Map<String, String> decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Map.of();
        }
        return Arrays.stream(encoded.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "", (a, b) -> a));
    }

    private static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    URI mcpUrl() {
        return URI.create(origin() + "/mcp");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
