package dev.portcullis.config;

import dev.portcullis.config.McpServerConfig.EnterpriseManaged;
import dev.portcullis.config.McpServerConfig.OAuthSettings.TokenExchangeMethod;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads {@code oauth.enterprise_managed} (see {@link EnterpriseManaged}) and the rules it puts on the rest
 * of the {@code oauth} block: the ID-JAG is redeemed at a pinned {@code token_url} as {@code client_id},
 * and there is no browser authorization, so an {@code authorization_url} would be a mistake.
 */
final class EnterpriseManagedReader {
    static final String KEY = "enterprise_managed";

    private EnterpriseManagedReader() {
    }

    static Optional<EnterpriseManaged> read(ConfigNode oauth, McpServerParser.Source source) {
        Optional<ConfigNode> found = oauth.get(KEY);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ConfigNode node = found.get();
        if (source == McpServerParser.Source.USER_INPUT) {
            node.keyError("enterprise-managed authorization uses the gateway's own client at the identity provider;"
                    + " only the operator can configure it (remove it)");
            return Optional.empty();
        }
        if (!node.isMapping()) {
            node.error("expected the enterprise-managed settings as a mapping (issuer, idp_issuer, idp_client_id, ...)");
            return Optional.empty();
        }
        Optional<String> issuer = url(node, "issuer", "the MCP server's authorization server issuer, the ID-JAG's audience");
        Optional<String> idpIssuer = url(node, "idp_issuer", "the identity provider's issuer, whose ID tokens are exchanged");
        Optional<String> idpTokenUrl = node.get("idp_token_url").isPresent() ? url(node, "idp_token_url", "") : Optional.empty();
        Optional<String> idpClientId = node.string("idp_client_id").filter(s -> !s.isBlank());
        if (idpClientId.isEmpty()) {
            node.error("needs 'idp_client_id', the gateway's client at the identity provider (the ID tokens' audience)");
        }
        Optional<Secret> idpSecret = node.secret("idp_client_secret");
        Optional<TokenExchangeMethod> method = node.string("idp_token_exchange_method").flatMap(s ->
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "default_post" -> Optional.of(TokenExchangeMethod.DEFAULT_POST);
                    case "basic_auth_header" -> Optional.of(TokenExchangeMethod.BASIC_AUTH_HEADER);
                    default -> {
                        node.get("idp_token_exchange_method").orElseThrow()
                                .error("use default_post (client_secret_post) or basic_auth_header (client_secret_basic)");
                        yield Optional.empty();
                    }
                });
        if (method.isPresent() && idpSecret.isEmpty()) {
            node.get("idp_token_exchange_method").orElseThrow().error("needs 'idp_client_secret', the secret to send");
        }
        String userClaim = node.string("user_claim").filter(s -> !s.isBlank()).orElse(EnterpriseManaged.DEFAULT_USER_CLAIM);
        node.rejectUnknownKeys();

        // The rest of the oauth block, as this mode reads it.
        if (oauth.string("client_id").filter(s -> !s.isBlank()).isEmpty()) {
            oauth.error("enterprise_managed needs 'client_id', the gateway's client at the MCP server's authorization server");
        }
        if (oauth.string("token_url").filter(s -> !s.isBlank()).isEmpty()) {
            oauth.error("enterprise_managed needs 'token_url', the authorization server's token endpoint where the ID-JAG"
                    + " is redeemed (pinned, so the client secret and the assertion only go where you chose)");
        }
        oauth.get("authorization_url").ifPresent(a -> a.keyError("not used with enterprise_managed: the identity"
                + " provider's policy replaces the browser authorization; remove it"));
        if (issuer.isEmpty() || idpIssuer.isEmpty() || idpClientId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EnterpriseManaged(issuer.get(), idpIssuer.get(), idpTokenUrl, idpClientId.get(), idpSecret,
                method, userClaim));
    }

    /** Whether the oauth block has the key, without reading it (the client_secret rule looks before the block is read). */
    static boolean present(ConfigNode oauth) {
        return oauth.entries().containsKey(KEY);
    }

    private static Optional<String> url(ConfigNode node, String key, String what) {
        Optional<ConfigNode> child = node.get(key);
        if (child.isEmpty()) {
            node.error("needs '" + key + "', " + what);
            return Optional.empty();
        }
        Optional<String> text = child.get().text().filter(s -> !s.isBlank());
        if (text.isEmpty()) {
            child.get().error("expected an absolute https:// URL");
            return Optional.empty();
        }
        String lower = text.get().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
            child.get().error("expected an absolute http:// or https:// URL");
            return Optional.empty();
        }
        if (!key.equals("idp_token_url") && (text.get().contains("?") || text.get().contains("#"))) {
            child.get().error("an issuer has no query or fragment (RFC 8414 §2)");
            return Optional.empty();
        }
        return text;
    }
}
