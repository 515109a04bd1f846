package dev.portcullis.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated configuration. Built only by {@link ConfigLoader}; holding one means the
 * file had no errors.
 *
 * @param peoplePicker    {@code interface.peoplePicker}: what roles other than ADMIN may search for when sharing
 * @param ignoredSections the paths of LibreChat settings that were accepted but are not used (the load's
 *                        {@code IGNORED} notes say why)
 * @param warnings        problems that do not stop the gateway
 */
public record PortcullisConfig(Path source, ServerSettings server, StorageSettings storage,
                               Optional<RedisSettings> redis, AuthSettings auth, EncryptionSettings encryption,
                               UpstreamSettings upstream, OAuthFlowSettings oauth, Map<String, McpServerConfig> mcpServers, EgressSettings egress,
                               McpPermissionDefaults mcpPermissions, PeoplePickerDefaults peoplePicker,
                               McpEndpointSettings mcpEndpoint, List<String> ignoredSections,
                               List<ConfigProblem> warnings) {
}
