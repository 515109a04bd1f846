package dev.portcullis.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code oauth} block of an operator server the gateway reaches as itself: one token for the
 * server's shared connection, obtained without any user (no consent, no browser). Either the client
 * credentials grant (OAuth 2.1 §4.2, the MCP extension {@code io.modelcontextprotocol/oauth-client-credentials})
 * or a JWT bearer assertion grant (RFC 7523 §2.1) presenting the gateway's workload token (workload
 * identity federation). Only the operator's file can say this: a user server must never make the
 * gateway authenticate as itself.
 */
public sealed interface MachineGrant {

    /** How the gateway proves it is the client at the token endpoint. */
    ClientProof proof();

    /** {@code grant_type: client_credentials}. */
    record ClientCredentials(ClientProof proof) implements MachineGrant {
    }

    /** {@code grant_type: jwt_bearer}: the workload token is the grant; client authentication is optional. */
    record JwtBearer(WorkloadToken assertion, ClientProof proof) implements MachineGrant {
    }

    /** Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2). */
    sealed interface ClientProof {
        /** No client authentication: {@code client_id} is sent in the body when configured. */
        record None() implements ClientProof {
        }

        /** {@code client_secret}: HTTP Basic, or in the body with {@code token_exchange_method: default_post}. */
        record SharedSecret(Secret secret, boolean inBody) implements ClientProof {
        }

        /**
         * {@code private_key_jwt}: a short-lived JWT signed with the operator's key.
         *
         * @param privateKeyPem a PKCS#8 PEM private key, checked when the configuration was read
         * @param algorithm     the JWS algorithm (RS256, PS256, ES256, ...), matching the key
         */
        record SignedAssertion(Secret privateKeyPem, String algorithm, Optional<String> keyId) implements ClientProof {
            @Override
            public String toString() {
                return "SignedAssertion[" + algorithm + ", key redacted]";
            }
        }

        ClientProof NONE = new None();
    }

    /** Where the workload token comes from. */
    sealed interface WorkloadToken {
        /** A file that the platform rotates (a Kubernetes projected service account token): read again when it changes. */
        record FromFile(Path path) implements WorkloadToken {
        }

        /** A token given in the configuration ({@code ${ENV}}): fixed for the life of the process. */
        record Given(Secret token) implements WorkloadToken {
        }
    }
}
