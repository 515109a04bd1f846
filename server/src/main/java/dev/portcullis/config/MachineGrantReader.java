package dev.portcullis.config;

import dev.portcullis.config.MachineGrant.ClientProof;
import dev.portcullis.config.MachineGrant.WorkloadToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the machine-to-machine keys of a server's {@code oauth} block ({@code grant_type},
 * {@code private_key}, {@code private_key_file}, {@code signing_algorithm}, {@code key_id},
 * {@code workload_token}, {@code workload_token_file}) and says precisely what is wrong with them.
 * A private key is parsed here, so a bad one fails at startup with its line, never at the first
 * call; no message repeats a key or a token.
 */
final class MachineGrantReader {
    static final String JWT_BEARER_URN = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** The keys that make the gateway authenticate as itself: never a user's to set. */
    static final Set<String> KEYS = Set.of("grant_type", "private_key", "private_key_file", "signing_algorithm",
            "key_id", "workload_token", "workload_token_file");

    private MachineGrantReader() {
    }

    /** What the rest of the block says that matters here. */
    record Context(Optional<String> clientId, Optional<Secret> clientSecret, Optional<String> authorizationUrl,
                   Optional<String> tokenUrl, boolean secretInBody) {
    }

    /**
     * @param requested whether the block asks for a machine grant at all (then the user flow's rules do not apply)
     * @param grant     the grant; empty for the user (authorization code) flow, or when the keys are wrong
     *                  (reported on the node)
     */
    record Read(boolean requested, Optional<MachineGrant> grant) {
        static final Read USER_FLOW = new Read(false, Optional.empty());
    }

    static Read read(ConfigNode oauth, Context context) {
        Optional<String> grantType = oauth.string("grant_type").map(g -> g.strip().toLowerCase(Locale.ROOT));
        boolean requested = grantType.filter(g -> !g.equals("authorization_code")).isPresent();
        Optional<MachineGrant> grant = grant(oauth, context, grantType);
        return requested || grant.isPresent() ? new Read(true, grant) : Read.USER_FLOW;
    }

    private static Optional<MachineGrant> grant(ConfigNode oauth, Context context, Optional<String> grantType) {
        boolean clientCredentials = grantType.filter("client_credentials"::equals).isPresent();
        boolean jwtBearer = grantType.filter(g -> g.equals("jwt_bearer") || g.equals(JWT_BEARER_URN)).isPresent();
        if (grantType.isPresent() && !clientCredentials && !jwtBearer && !grantType.get().equals("authorization_code")) {
            oauth.get("grant_type").orElseThrow().error("use client_credentials or jwt_bearer (the gateway as itself),"
                    + " or leave it out for users' own sign-in (authorization_code)");
            return Optional.empty();
        }
        if (!clientCredentials && !jwtBearer) {
            for (String key : List.of("private_key", "private_key_file", "signing_algorithm", "key_id", "workload_token",
                    "workload_token_file")) {
                oauth.get(key).ifPresent(n -> n.keyError("needs grant_type: client_credentials or jwt_bearer"));
            }
            return Optional.empty();
        }
        String name = clientCredentials ? "client_credentials" : "jwt_bearer";
        boolean ok = true;
        if (context.authorizationUrl().isPresent()) {
            oauth.get("authorization_url").orElseThrow().keyError(name + " has no authorization endpoint; remove authorization_url");
            ok = false;
        }
        Optional<ClientProof> key = signedAssertion(oauth, context);
        if (key.isEmpty() && (oauth.get("private_key").isPresent() || oauth.get("private_key_file").isPresent())) {
            return Optional.empty(); // reported by signedAssertion
        }
        if (key.isPresent() && context.clientSecret().isPresent()) {
            oauth.error("give either client_secret or a private key (private_key / private_key_file), not both");
            return Optional.empty();
        }
        if ((key.isPresent() || context.clientSecret().isPresent()) && context.clientId().isEmpty()) {
            oauth.error(name + " with client credentials needs client_id");
            ok = false;
        }
        ClientProof proof = key.orElseGet(() -> context.clientSecret()
                .<ClientProof>map(s -> new ClientProof.SharedSecret(s, context.secretInBody())).orElse(ClientProof.NONE));
        if (proof instanceof ClientProof.SharedSecret && context.tokenUrl().isEmpty()) {
            oauth.error("a client_secret needs token_url set too, so the secret only goes to the token endpoint you chose");
            ok = false;
        }
        if (clientCredentials) {
            if (proof instanceof ClientProof.None) {
                oauth.error("client_credentials needs client_id and a way to prove it: client_secret, private_key or private_key_file");
                return Optional.empty();
            }
            oauth.get("workload_token").or(() -> oauth.get("workload_token_file"))
                    .ifPresent(n -> n.keyError("a workload token is for grant_type: jwt_bearer"));
            return ok ? Optional.of(new MachineGrant.ClientCredentials(proof)) : Optional.empty();
        }
        Optional<WorkloadToken> assertion = workloadToken(oauth);
        if (assertion.isPresent() && context.tokenUrl().isEmpty()) {
            // The workload token is a credential whose audience is the authorization server: sent to a
            // token endpoint an MCP server advertised, it could be replayed where it is valid.
            oauth.error("jwt_bearer needs token_url, so the workload token only goes to the token endpoint you chose");
            ok = false;
        }
        return ok ? assertion.map(a -> new MachineGrant.JwtBearer(a, proof)) : Optional.empty();
    }

    private static Optional<WorkloadToken> workloadToken(ConfigNode oauth) {
        Optional<Secret> given = oauth.secret("workload_token");
        Optional<String> file = oauth.string("workload_token_file");
        if (given.isPresent() == file.isPresent()) {
            oauth.error("jwt_bearer needs exactly one of workload_token_file (a file the platform rotates, such as a"
                    + " Kubernetes projected service account token) or workload_token");
            return Optional.empty();
        }
        if (given.isPresent()) {
            return given.map(WorkloadToken.Given::new);
        }
        Path path = Path.of(file.get());
        if (!path.isAbsolute()) {
            oauth.get("workload_token_file").orElseThrow().error("give an absolute path");
            return Optional.empty();
        }
        if (!Files.isReadable(path)) {
            // The platform may mount it a moment later; the first token request reports it if it is still missing.
            oauth.get("workload_token_file").orElseThrow().warning("cannot read '" + path + "' now; it must exist when"
                    + " the server is first used");
        }
        return Optional.of(new WorkloadToken.FromFile(path));
    }

    private static Optional<ClientProof> signedAssertion(ConfigNode oauth, Context context) {
        Optional<Secret> inline = oauth.secret("private_key");
        Optional<String> file = oauth.string("private_key_file");
        Optional<String> algorithm = oauth.string("signing_algorithm").map(a -> a.strip().toUpperCase(Locale.ROOT));
        Optional<String> keyId = oauth.string("key_id").filter(k -> !k.isBlank());
        if (inline.isEmpty() && file.isEmpty()) {
            algorithm.ifPresent(a -> oauth.get("signing_algorithm").orElseThrow().keyError("needs private_key or private_key_file"));
            keyId.ifPresent(a -> oauth.get("key_id").orElseThrow().keyError("needs private_key or private_key_file"));
            return Optional.empty();
        }
        if (inline.isPresent() && file.isPresent()) {
            oauth.error("give either private_key or private_key_file, not both");
            return Optional.empty();
        }
        ConfigNode where = oauth.get(inline.isPresent() ? "private_key" : "private_key_file").orElseThrow();
        Secret pem;
        if (inline.isPresent()) {
            pem = inline.get();
        } else {
            Path path = Path.of(file.get());
            if (!path.isAbsolute()) {
                where.error("give an absolute path");
                return Optional.empty();
            }
            try {
                pem = Secret.of(Files.readString(path));
            } catch (IOException | RuntimeException e) {
                where.error("cannot read '" + path + "' (" + e.getClass().getSimpleName() + ")");
                return Optional.empty();
            }
        }
        PrivateKey key;
        try {
            key = PemPrivateKey.parse(pem.reveal());
        } catch (PemPrivateKey.InvalidKey e) {
            where.error("the key " + e.getMessage());
            return Optional.empty();
        }
        List<String> usable = PemPrivateKey.algorithmsFor(key);
        if (usable.isEmpty()) {
            where.error("the key's curve is not one of P-256, P-384, P-521");
            return Optional.empty();
        }
        String chosen = algorithm.orElse(usable.getFirst());
        if (!usable.contains(chosen)) {
            oauth.get("signing_algorithm").orElseThrow().error("this key signs with " + String.join(", ", usable)
                    + ", not " + chosen);
            return Optional.empty();
        }
        return Optional.of(new ClientProof.SignedAssertion(pem, chosen, keyId));
    }
}
