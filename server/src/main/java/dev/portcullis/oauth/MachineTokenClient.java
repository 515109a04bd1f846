package dev.portcullis.oauth;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portcullis.config.MachineGrant;
import dev.portcullis.config.MachineGrant.ClientProof;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.McpServerConfig.OAuthSettings;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One token request the gateway makes as itself for an operator server: the client credentials
 * grant, or the JWT bearer grant with the workload token as the assertion (RFC 7523 §2.1). The
 * token endpoint is the operator's {@code token_url}, else the one discovered through the
 * server's protected resource metadata (only a signed client assertion may go to a discovered
 * endpoint: it names that endpoint's issuer and lives a minute). The request carries RFC 8707
 * {@code resource} and the scopes of the MCP scope selection strategy. A refusal is reported as
 * the server's error code only, never retried here and never answered with another grant type.
 */
public final class MachineTokenClient {
    private final Discovery discovery;
    private final TokenClient tokens;
    private final WorkloadTokens workload = new WorkloadTokens();
    private final Clock clock;

    public MachineTokenClient(Discovery discovery, TokenClient tokens, Clock clock) {
        this.discovery = discovery;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Where the token request goes and what it asks for. */
    record Target(String tokenUrl, String issuer, ResourceUri resource, List<String> scopes) {
    }

    /** @param challenge the 401's (or 403's) Bearer challenge; {@link BearerChallenge#NONE} on first need */
    public TokenSet obtain(McpServerConfig config, BearerChallenge challenge) {
        MachineGrant grant = config.machineGrant().orElseThrow(() -> new IllegalArgumentException(
                "'" + config.name() + "' has no machine grant"));
        OAuthSettings settings = config.oauth().orElseThrow();
        Target target = target(config, settings, challenge);
        URI tokenUrl = URI.create(target.tokenUrl());
        Optional<ClientID> clientId = settings.clientId().filter(id -> !id.isBlank()).map(ClientID::new);
        AuthorizationGrant authorizationGrant = switch (grant) {
            case MachineGrant.ClientCredentials c -> new ClientCredentialsGrant();
            case MachineGrant.JwtBearer j -> new JWTBearerGrant(assertion(j, config));
        };
        Optional<ClientAuthentication> authentication = authentication(grant.proof(), clientId, target);
        TokenRequest.Builder builder = authentication.map(a -> new TokenRequest.Builder(tokenUrl, a, authorizationGrant))
                .orElseGet(() -> clientId.map(id -> new TokenRequest.Builder(tokenUrl, id, authorizationGrant))
                        .orElseGet(() -> new TokenRequest.Builder(tokenUrl, authorizationGrant)));
        if (!target.scopes().isEmpty()) {
            builder.scope(new Scope(target.scopes().toArray(String[]::new)));
        }
        if (!target.resource().isOmitted()) {
            builder.resources(target.resource().toUri());
        }
        settings.audience().filter(a -> !a.isBlank()).ifPresent(a -> builder.customParameter("audience", a));
        TokenEndpoint endpoint = new TokenEndpoint(target.issuer(), target.tokenUrl(), Optional.empty(), Optional.empty(),
                config.oauthHeaders());
        String what = "the gateway's own token request (" + grantName(grant) + ") for '" + config.name() + "'";
        return tokens.tokens(what, builder.build().toHTTPRequest(), endpoint, target.scopes());
    }

    static String grantName(MachineGrant grant) {
        return switch (grant) {
            case MachineGrant.ClientCredentials c -> "client_credentials";
            case MachineGrant.JwtBearer j -> "jwt_bearer";
        };
    }

    private SignedJWT assertion(MachineGrant.JwtBearer grant, McpServerConfig config) {
        try {
            return SignedJWT.parse(workload.current(grant.assertion()).reveal());
        } catch (ParseException e) {
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "the workload token for '" + config.name()
                    + "' is not a signed JWT");
        }
    }

    private Optional<ClientAuthentication> authentication(ClientProof proof, Optional<ClientID> clientId, Target target) {
        return switch (proof) {
            case ClientProof.None none -> Optional.empty();
            case ClientProof.SharedSecret s -> {
                com.nimbusds.oauth2.sdk.auth.Secret secret = new com.nimbusds.oauth2.sdk.auth.Secret(s.secret().reveal());
                ClientID id = clientId.orElseThrow();
                yield Optional.of(s.inBody() ? new ClientSecretPost(id, secret) : new ClientSecretBasic(id, secret));
            }
            case ClientProof.SignedAssertion key -> Optional.of(new PrivateKeyJWT(ClientAssertion.sign(key,
                    clientId.orElseThrow().getValue(), target.issuer(), clock)));
        };
    }

    /**
     * What the server's metadata says. Without a pinned endpoint it is required; with one, metadata
     * that cannot be found is no obstacle, but metadata that names another resource or issuer is.
     */
    private Optional<Discovery.Discovered> discover(McpServerConfig config, BearerChallenge challenge, boolean pinned) {
        try {
            return Optional.of(discovery.discover(config.url().orElseThrow(), challenge, config.oauthHeaders()));
        } catch (OAuthException e) {
            if (!pinned || e.failure() == OAuthFailure.RESOURCE_MISMATCH || e.failure() == OAuthFailure.ISSUER_MISMATCH) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /**
     * The token endpoint, issuer, resource and scopes. Discovery runs each time (tokens are obtained
     * rarely), so a server that moves to another authorization server is followed; with a pinned
     * {@code token_url}, discovery is a help, not a need.
     */
    Target target(McpServerConfig config, OAuthSettings settings, BearerChallenge challenge) {
        String url = config.url().orElseThrow();
        Optional<String> pinned = settings.tokenUrl().filter(u -> !u.isBlank());
        Optional<Discovery.Discovered> found = discover(config, challenge, pinned.isPresent());
        // A pinned endpoint keeps its own identity unless the discovered metadata names that very endpoint.
        Optional<AuthorizationServerMetadata> trusted = found.map(Discovery.Discovered::server)
                .filter(s -> pinned.isEmpty() || s.tokenEndpoint().equals(pinned.get()));
        String tokenUrl = pinned.orElseGet(() -> found.orElseThrow().server().tokenEndpoint());
        // RFC 7523 §3: the token endpoint URL is an acceptable audience when the issuer is not known.
        String issuer = trusted.map(AuthorizationServerMetadata::issuer).orElse(tokenUrl);
        ResourceUri resource = !settings.sendResource() ? ResourceUri.OMITTED
                : found.map(Discovery.Discovered::resource).orElseGet(() -> ResourceUri.canonical(url));
        Set<String> scopes = new LinkedHashSet<>(challenge.scopes());
        if (scopes.isEmpty()) {
            settings.scope().filter(s -> !s.isBlank()).map(Scopes::split).ifPresentOrElse(scopes::addAll,
                    () -> found.ifPresent(f -> scopes.addAll(f.resourceScopes())));
        }
        return new Target(tokenUrl, issuer, resource, List.copyOf(scopes));
    }
}
