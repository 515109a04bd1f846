package dev.portcullis.identity;

import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import dev.portcullis.config.PortcullisConfig;
import java.net.MalformedURLException;
import dev.portcullis.crypto.DevelopmentKeys;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.client.HttpClient;

/** Chooses how tokens are checked and signed from the {@code auth} section. */
public final class TokenVerifiers {
    private TokenVerifiers() {
    }

    /**
     * The HS256 secret: {@code auth.secret} as UTF-8 bytes (LibreChat uses its {@code JWT_SECRET}
     * string that way), or the generated development secret. Empty with a JWKS.
     */
    public static java.util.Optional<byte[]> sharedSecret(PortcullisConfig config) {
        if (config.auth().jwksUrl().isPresent()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(config.auth().secret()
                .map(s -> s.reveal().getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> DevelopmentKeys.tokenSecret(config.storage().dataDir())));
    }

    public static TokenVerifier forConfig(PortcullisConfig config, HttpClient outbound) {
        if (config.auth().jwksUrl().isPresent()) {
            try {
                var source = JWKSourceBuilder.<SecurityContext>create(config.auth().jwksUrl().get().toURL(),
                        new JettyResourceRetriever(outbound)).build();
                return TokenVerifier.jwks(source, config.auth());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("auth.jwksUrl is not a URL", e);
            }
        }
        return TokenVerifier.sharedSecret(sharedSecret(config).orElseThrow(), config.auth());
    }
}
