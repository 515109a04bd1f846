package dev.portcullis.identity;

import dev.portcullis.config.McpEndpointSettings;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Platforms that sign their users in themselves (LibreChat with its own login) and call the MCP
 * endpoints for them: the platform sends its key as the bearer token and the user's id in
 * {@value #USER_HEADER}. The key may assert a user and nothing else: the caller is always a plain
 * user of the credential's tenant, never an admin, and the key is refused at the REST API.
 */
public final class ServiceCredentials {
    public static final String USER_HEADER = "X-Portcullis-User";
    /** LibreChat's user ids (Mongo ids), OpenID subjects, e-mail-like ids; never spaces or control characters. */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@|:+-]{1,256}");

    private record Entry(String name, byte[] digest, Optional<String> tenant) {
    }

    private final List<Entry> entries;

    public ServiceCredentials(List<McpEndpointSettings.ServiceCredential> credentials) {
        this.entries = credentials.stream().map(c -> new Entry(c.name(), digest(c.key().reveal()), c.tenant())).toList();
    }

    /** The credential a bearer token is, if it is one. Compares digests in constant time, all of them. */
    public Optional<String> match(String token) {
        byte[] presented = digest(token);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), presented)) {
                found = e;
            }
        }
        return Optional.ofNullable(found).map(Entry::name);
    }

    /**
     * The caller a credential's request is for: the user it names, as a plain user of the credential's
     * tenant. A missing or malformed user id is refused with a message that says what to send.
     */
    public Caller caller(String credentialName, String userHeader) {
        Entry entry = entries.stream().filter(e -> e.name().equals(credentialName)).findFirst().orElseThrow();
        if (userHeader == null || userHeader.isBlank()) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_INVALID, "A service credential must say which user the request is for: send "
                    + USER_HEADER + ": <user id>");
        }
        String userId = userHeader.strip();
        if (!USER_ID.matcher(userId).matches()) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_INVALID, USER_HEADER
                    + " must be a user id of 1 to 256 letters, digits and . _ @ | : + -");
        }
        return new Caller(userId, Caller.USER, Optional.empty(), entry.tenant(), List.of(),
                java.util.Map.of());
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
