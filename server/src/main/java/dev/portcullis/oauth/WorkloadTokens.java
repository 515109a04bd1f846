package dev.portcullis.oauth;

import dev.portcullis.config.MachineGrant.WorkloadToken;
import dev.portcullis.config.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's workload token, as the platform gives it. A file is read again whenever its
 * modification time or size changes: Kubernetes rotates projected service account tokens by
 * swapping the file under a symlink, long before the old one expires, and a token read once at
 * startup would stop working after an hour.
 */
final class WorkloadTokens {
    private record Read(FileTime modified, long size, Secret token) {
    }

    private final Map<Path, Read> files = new ConcurrentHashMap<>();

    Secret current(WorkloadToken source) {
        return switch (source) {
            case WorkloadToken.Given given -> given.token();
            case WorkloadToken.FromFile file -> fromFile(file.path());
        };
    }

    private Secret fromFile(Path path) {
        try {
            // Small and local: a few hundred bytes, read only when the file changed.
            FileTime modified = Files.getLastModifiedTime(path);
            long size = Files.size(path);
            Read known = files.get(path);
            if (known != null && known.modified().equals(modified) && known.size() == size) {
                return known.token();
            }
            String token = Files.readString(path).strip();
            if (token.isEmpty()) {
                throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "the workload token file '" + path + "' is empty");
            }
            Read read = new Read(modified, size, Secret.of(token));
            files.put(path, read);
            return read.token();
        } catch (IOException e) {
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "cannot read the workload token file '" + path
                    + "' (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
