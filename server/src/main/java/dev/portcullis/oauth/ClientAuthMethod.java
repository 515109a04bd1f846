package dev.portcullis.oauth;

import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import java.util.Arrays;
import java.util.Optional;

/** How the client authenticates at the token and revocation endpoints (RFC 7591 §2 names). */
public enum ClientAuthMethod {
    CLIENT_SECRET_BASIC("client_secret_basic"),
    CLIENT_SECRET_POST("client_secret_post"),
    NONE("none");

    private final String value;

    ClientAuthMethod(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    static Optional<ClientAuthMethod> of(String value) {
        return Arrays.stream(values()).filter(m -> m.value.equals(value)).findFirst();
    }

    ClientAuthenticationMethod nimbus() {
        return ClientAuthenticationMethod.parse(value);
    }
}
