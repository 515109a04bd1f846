package dev.portcullis.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of {@code mcpServers}, with LibreChat's meaning. Operator {@code ${VAR}} references
 * are already resolved; user placeholders ({@code {{VAR}}}) remain, which is why {@code url} is a
 * template string rather than a URI. Header, env, API-key and OAuth-secret values are
 * {@link Secret}s, so printing a config never prints them.
 *
 * @param type empty when a URL was given without {@code type}: the transport is then probed
 *             (Streamable HTTP first, legacy SSE on 400/404/405), as the MCP specification advises
 * @param headers    {@code headers} with LibreChat's {@code requestHeaders} merged over them (they win on a
 *                   duplicate name): without a chat request to resolve them against, both are sent on every request
 * @param toolPolicy {@code tools}: which of the server's tools users may see and call; operator servers only
 */
public record McpServerConfig(
        String name,
        Optional<Transport> type,
        Optional<String> url,
        Optional<String> command,
        List<String> args,
        Map<String, Secret> env,
        Optional<String> cwd,
        Map<String, Secret> headers,
        Optional<Duration> timeout,
        Duration initTimeout,
        Duration sseReadTimeout,
        boolean startup,
        boolean chatMenu,
        Optional<String> title,
        Optional<String> description,
        Optional<String> iconPath,
        ServerInstructions serverInstructions,
        Map<String, CustomUserVar> customUserVars,
        Optional<Boolean> requiresOAuth,
        Optional<ApiKey> apiKey,
        Optional<OAuthSettings> oauth,
        Map<String, Secret> oauthHeaders,
        AccessLimit access,
        ToolPolicy toolPolicy,
        Origin origin) {

    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SSE_READ_TIMEOUT = Duration.ofMinutes(5);

    /** The same server with another origin: how the registry marks a server a user created. */
    public McpServerConfig withOrigin(Origin newOrigin) {
        return new McpServerConfig(name, type, url, command, args, env, cwd, headers, timeout, initTimeout, sseReadTimeout,
                startup, chatMenu, title, description, iconPath, serverInstructions, customUserVars, requiresOAuth, apiKey,
                oauth, oauthHeaders, access, toolPolicy, newOrigin);
    }

    /** The same server with OAuth handling decided, as inspection found it. */
    public McpServerConfig withRequiresOAuth(boolean required) {
        return new McpServerConfig(name, type, url, command, args, env, cwd, headers, timeout, initTimeout, sseReadTimeout,
                startup, chatMenu, title, description, iconPath, serverInstructions, customUserVars, Optional.of(required),
                apiKey, oauth, oauthHeaders, access, toolPolicy, origin);
    }

    /**
     * What a user's OAuth token for this server is bound to: the server's identity (a user server's
     * id, or "operator") and a digest of every field that decides where a token or secret goes —
     * the URL and the OAuth endpoints and client. Editing a title keeps it; moving the server
     * changes it, and tokens obtained before are no longer used.
     */
    public String credentialBinding() {
        // An absent oauth block reads as an empty one: adding {"scope": ...} moves nothing.
        StringBuilder text = new StringBuilder(credentialIdentity()).append('|').append(url.orElse(""));
        text.append('|').append(oauth.flatMap(OAuthSettings::authorizationUrl).orElse(""))
                .append('|').append(oauth.flatMap(OAuthSettings::tokenUrl).orElse(""))
                .append('|').append(oauth.flatMap(OAuthSettings::clientId).orElse(""))
                .append('|').append(oauth.flatMap(OAuthSettings::tokenExchangeMethod).map(Enum::name).orElse(""))
                .append('|').append(oauth.map(OAuthSettings::tokenEndpointAuthMethodsSupported).orElse(List.of()))
                .append('|').append(oauth.flatMap(OAuthSettings::revocationEndpoint).orElse(""))
                .append('|').append(oauth.map(OAuthSettings::revocationEndpointAuthMethodsSupported).orElse(List.of()));
        // Only a mode other than the default joins the binding, so grants from before the key stay usable;
        // switching to required or off retires the grants obtained under the other rule.
        if (dpopMode() != OAuthSettings.DpopMode.AUTO) {
            text.append("|dpop=").append(dpopMode());
        }
        // Only when present, so that the bindings of every other server (and their stored grants) stay as they were.
        enterpriseManaged().ifPresent(e -> text.append("|enterprise|").append(e.issuer()).append('|').append(e.idpIssuer())
                .append('|').append(e.idpClientId()).append('|').append(e.userClaim()));
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return credentialIdentity() + ":" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code oauth.dpop}: whether tokens for this server are bound to a DPoP key; {@code auto} without an oauth block. */
    public OAuthSettings.DpopMode dpopMode() {
        return oauth.map(OAuthSettings::dpop).orElse(OAuthSettings.DpopMode.AUTO);
    }

    /** Whose server it is, the part of {@link #credentialBinding()} that no edit changes. */
    public String credentialIdentity() {
        return origin instanceof Origin.UserManaged u ? "user:" + u.id() : "operator";
    }

    /** The grant the gateway uses as itself at this server, if the operator configured one. */
    public Optional<MachineGrant> machineGrant() {
        return oauth.flatMap(OAuthSettings::machine);
    }

    public boolean isUserManaged() {
        return origin instanceof Origin.UserManaged;
    }

    /**
     * Where a server comes from: the operator's file, or a user through the API (stored, shared
     * through grants, versioned so every change makes existing connections stale).
     */
    public sealed interface Origin {
        record Operator() implements Origin {
        }

        record UserManaged(String id, String tenantId, long version) implements Origin {
        }

        Origin OPERATOR = new Operator();
    }

    /**
     * {@code access}: who may see and use an operator server. Empty lists everywhere means
     * everyone (LibreChat's behaviour); otherwise a caller must match one user id, group or role.
     */
    public record AccessLimit(List<String> users, List<String> groups, List<String> roles) {
        public static final AccessLimit EVERYONE = new AccessLimit(List.of(), List.of(), List.of());

        public AccessLimit {
            users = List.copyOf(users);
            groups = List.copyOf(groups);
            roles = List.copyOf(roles);
        }

        public boolean isEveryone() {
            return users.isEmpty() && groups.isEmpty() && roles.isEmpty();
        }

        public boolean admits(String userId, String role, List<String> callerGroups) {
            return isEveryone() || users.contains(userId) || roles.contains(role)
                    || callerGroups.stream().anyMatch(groups::contains);
        }
    }

    /** The transports MCP servers speak; {@code http} is LibreChat's alias for Streamable HTTP. */
    public enum Transport {
        STDIO("stdio"), SSE("sse"), STREAMABLE_HTTP("streamable-http"), WEBSOCKET("websocket");

        private final String configName;

        Transport(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        static Optional<Transport> fromConfig(String name) {
            if (name.equals("http")) {
                return Optional.of(STREAMABLE_HTTP);
            }
            for (Transport t : values()) {
                if (t.configName.equals(name)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    /** {@code serverInstructions}: {@code true} uses what the server says, a string is used verbatim. */
    public record ServerInstructions(boolean fromServer, Optional<String> text) {
        public static final ServerInstructions NONE = new ServerInstructions(false, Optional.empty());
    }

    /** A value each user supplies for themselves, referenced as {@code {{NAME}}}. */
    public record CustomUserVar(String title, Optional<String> description, boolean sensitive) {
    }

    /** {@code apiKey}: an admin-held key injected as a header, or a per-user one. */
    public record ApiKey(Source source, AuthorizationType authorizationType, Optional<String> customHeader,
                         Optional<Secret> key) {
        public enum Source { ADMIN, USER }

        public enum AuthorizationType { BASIC, BEARER, CUSTOM }
    }

    /**
     * The {@code oauth} block: operator knobs that override or complete discovery.
     *
     * @param sendResource             LibreChat's {@code send_resource_parameter}: send RFC 8707 {@code resource}
     * @param forwardAudienceOnRefresh send {@code audience} on the refresh grant too (Auth0 needs it; strict
     *                                 token endpoints such as Cognito's refuse it)
     * @param dpop                     {@code oauth.dpop}: sender-constrained tokens (RFC 9449), see {@link DpopMode}
     * @param machine                  {@code grant_type: client_credentials | jwt_bearer}: the gateway obtains one
     *                                 token as itself for the server's shared connection; empty for users' own grants
     */
    public record OAuthSettings(
            Optional<String> authorizationUrl,
            Optional<String> tokenUrl,
            Optional<String> clientId,
            Optional<Secret> clientSecret,
            Optional<String> scope,
            Optional<String> audience,
            Optional<TokenExchangeMethod> tokenExchangeMethod,
            List<String> grantTypesSupported,
            List<String> tokenEndpointAuthMethodsSupported,
            List<String> responseTypesSupported,
            List<String> codeChallengeMethodsSupported,
            boolean skipCodeChallengeCheck,
            Optional<String> revocationEndpoint,
            List<String> revocationEndpointAuthMethodsSupported,
            boolean sendResource,
            boolean forwardAudienceOnRefresh,
            DpopMode dpop,
            Optional<MachineGrant> machine,
            Optional<EnterpriseManaged> enterpriseManaged) {

        public OAuthSettings {
            dpop = dpop == null ? DpopMode.AUTO : dpop;
            machine = machine == null ? Optional.empty() : machine;
            enterpriseManaged = enterpriseManaged == null ? Optional.empty() : enterpriseManaged;
        }

        /**
         * The block of a server users authorize at in a browser (no machine grant, not enterprise-managed), without
         * {@code dpop}: {@link DpopMode#AUTO}.
         */
        public OAuthSettings(Optional<String> authorizationUrl, Optional<String> tokenUrl, Optional<String> clientId,
                             Optional<Secret> clientSecret, Optional<String> scope, Optional<String> audience,
                             Optional<TokenExchangeMethod> tokenExchangeMethod, List<String> grantTypesSupported,
                             List<String> tokenEndpointAuthMethodsSupported, List<String> responseTypesSupported,
                             List<String> codeChallengeMethodsSupported, boolean skipCodeChallengeCheck,
                             Optional<String> revocationEndpoint, List<String> revocationEndpointAuthMethodsSupported,
                             boolean sendResource, boolean forwardAudienceOnRefresh) {
            this(authorizationUrl, tokenUrl, clientId, clientSecret, scope, audience, tokenExchangeMethod,
                    grantTypesSupported, tokenEndpointAuthMethodsSupported, responseTypesSupported,
                    codeChallengeMethodsSupported, skipCodeChallengeCheck, revocationEndpoint,
                    revocationEndpointAuthMethodsSupported, sendResource, forwardAudienceOnRefresh, DpopMode.AUTO,
                    Optional.empty(), Optional.empty());
        }

        /**
         * {@code oauth.dpop} (RFC 9449): {@code auto} binds tokens to a per-grant key when the
         * authorization server lists {@code dpop_signing_alg_values_supported}; {@code required} always
         * does, and refuses a server that answers with a Bearer token; {@code off} never does.
         */
        public enum DpopMode { AUTO, REQUIRED, OFF }

        /** LibreChat's names: {@code default_post} is client_secret_post, {@code basic_auth_header} client_secret_basic. */
        public enum TokenExchangeMethod { DEFAULT_POST, BASIC_AUTH_HEADER }
    }

    /**
     * {@code oauth.enterprise_managed}: the MCP extension "enterprise-managed authorization" (ID-JAG). The
     * user's identity-provider ID token is exchanged at the IdP for an Identity Assertion JWT Authorization
     * Grant (RFC 8693), which the server's authorization server redeems for the user's access token (RFC 7523)
     * — no consent screen; the IdP's policy decides. Operator servers only: the IdP client is the gateway's.
     *
     * @param issuer                 the MCP server's authorization server: the ID-JAG's {@code audience}
     * @param idpIssuer              the identity provider; ID tokens must be issued by it, its discovery
     *                               document gives the JWKS (and the token endpoint unless {@code idpTokenUrl})
     * @param idpClientId            the gateway's client at the IdP, which ID tokens must be issued to
     * @param idpTokenExchangeMethod how the client authenticates at the IdP; empty: basic with a secret, else none
     * @param userClaim              the ID token claim that must equal the caller's user id
     */
    public record EnterpriseManaged(String issuer, String idpIssuer, Optional<String> idpTokenUrl, String idpClientId,
                                    Optional<Secret> idpClientSecret,
                                    Optional<OAuthSettings.TokenExchangeMethod> idpTokenExchangeMethod, String userClaim) {
        public static final String DEFAULT_USER_CLAIM = "sub";
    }

    /** The enterprise-managed settings, when this server's tokens come from ID-JAGs rather than a browser. */
    public Optional<EnterpriseManaged> enterpriseManaged() {
        return oauth.flatMap(OAuthSettings::enterpriseManaged);
    }
}
