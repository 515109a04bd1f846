package dev.portcullis.oauth.flow;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.McpServerConfig.EnterpriseManaged;
import dev.portcullis.config.Secret;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.oauth.IdentityProviders;
import java.util.Map;

/**
 * An ID token a platform passes with an API call, for an enterprise-managed server: kept for the caller
 * only after it is verified against the server's identity provider (signature by a key of its JWKS, issuer,
 * audience = the gateway's client there, expiry) and found to be the caller's own (its {@code user_claim}
 * equals the caller's user id, which the platform's token vouches for). An unverified ID token is never kept:
 * whoever could plant one would have the gateway act as its subject.
 */
public final class PresentedIdTokens {
    private final IdentityProviders providers;
    private final IdTokens idTokens;

    public PresentedIdTokens(IdentityProviders providers, IdTokens idTokens) {
        this.providers = providers;
        this.idTokens = idTokens;
    }

    public void accept(Caller caller, McpServerConfig config, Secret idToken) {
        EnterpriseManaged settings = config.enterpriseManaged().orElseThrow(() -> new GatewayException(ErrorCode.BAD_REQUEST,
                "'" + config.name() + "' does not use enterprise-managed authorization; send no ID token to it"));
        IdentityProviders.VerifiedIdToken verified = providers.verify(idToken, settings);
        Object claimed = verified.claims().get(settings.userClaim());
        if (!(claimed instanceof String value) || !value.equals(caller.userId())) {
            // Neither value is repeated: the message must not tell a caller whose token it holds.
            throw new GatewayException(ErrorCode.ID_TOKEN_REJECTED, "The ID token is not the caller's: its '"
                    + settings.userClaim() + "' claim must equal the user id of the platform token",
                    Map.of("serverName", config.name(), "userClaim", settings.userClaim()), null);
        }
        idTokens.keep(new IdTokens.Holder(caller.tenantId().orElse(""), caller.userId(), settings.idpIssuer()), idToken,
                verified.expiresAt());
    }
}
