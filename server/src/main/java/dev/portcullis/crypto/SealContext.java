package dev.portcullis.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a sealed value belongs to. It is bound into the ciphertext as associated data, so a value
 * sealed for one (tenant, user, server, record type) cannot be decrypted as another's — copying
 * a row between users in the database yields an error, not a stolen token.
 */
public record SealContext(String tenantId, String userId, String serverName, String recordType) {
    public SealContext {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(recordType, "recordType");
    }

    /** Length-prefixed fields: no two different contexts encode to the same bytes. */
    byte[] associatedData() {
        StringBuilder out = new StringBuilder("portcullis/v1");
        for (String field : new String[] {tenantId, userId, serverName, recordType}) {
            out.append('|').append(field.length()).append(':').append(field);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
