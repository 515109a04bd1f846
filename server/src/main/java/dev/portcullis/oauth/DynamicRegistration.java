package dev.portcullis.oauth;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.portcullis.config.Secret;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 7591 dynamic client registration (checklist #12, #19): a web application (the gateway is
 * remotely hosted) with the server's callback as its only redirect URI, asking for refresh tokens
 * (checklist #37).
 */
final class DynamicRegistration {
    private final OAuthHttp http;

    DynamicRegistration(OAuthHttp http) {
        this.http = http;
    }

    RegisteredClients.Registration register(String registrationEndpoint, String issuer, String redirectUri,
                                            ClientAuthMethod authMethod, Map<String, Secret> oauthHeaders) {
        ClientMetadata metadata = new ClientMetadata();
        metadata.setName(ClientMetadataDocument.CLIENT_NAME);
        metadata.setRedirectionURI(URI.create(redirectUri));
        metadata.setGrantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        metadata.setResponseTypes(Set.of(ResponseType.CODE));
        metadata.setTokenEndpointAuthMethod(authMethod.nimbus());
        metadata.setCustomField("application_type", "web");
        HTTPResponse response = NimbusCalls.send("client registration", http.sender(oauthHeaders),
                new ClientRegistrationRequest(URI.create(registrationEndpoint), metadata, null).toHTTPRequest());
        ClientRegistrationResponse parsed;
        try {
            parsed = ClientRegistrationResponse.parse(response);
        } catch (ParseException e) {
            throw NimbusCalls.unreadable("client registration", response, OAuthFailure.REGISTRATION_FAILED);
        }
        if (parsed instanceof ClientRegistrationErrorResponse error) {
            throw NimbusCalls.failed("client registration", response, error.getErrorObject(), OAuthFailure.REGISTRATION_FAILED);
        }
        ClientInformation info = parsed.toSuccessResponse().getClientInformation();
        Optional<Secret> secret = Optional.ofNullable(info.getSecret()).map(s -> Secret.of(s.getValue()));
        // The server may grant another method than asked for; without a secret only "none" can work.
        ClientAuthMethod granted = Optional.ofNullable(info.getMetadata().getTokenEndpointAuthMethod())
                .flatMap(m -> ClientAuthMethod.of(m.getValue())).orElse(authMethod);
        if (secret.isEmpty()) {
            granted = ClientAuthMethod.NONE;
        }
        OAuthClient client = new OAuthClient(issuer, info.getID().getValue(), secret, granted,
                OAuthClient.Source.DYNAMIC_REGISTRATION, redirectUri);
        return new RegisteredClients.Registration(client, Optional.ofNullable(info.getSecret())
                .map(s -> s.getExpirationDate()).map(d -> d.toInstant()));
    }
}
