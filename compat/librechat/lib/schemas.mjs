// What each dataService function's answer must look like.
//
// Where librechat-data-provider 0.8.524 exports a zod schema for an answer, it is used as it is
// (imported below). Where the package exports only a TypeScript type, the schema is written here
// from that type, whose text is copied next to it from node_modules/librechat-data-provider/dist/types/.
// Two exported schemas are wrong about what LibreChat itself sends; their corrected copies say why.
//
// All schemas are zod 3 objects in "strip" mode, like the package's: extra keys pass (Portcullis may
// add fields under names LibreChat does not use), but a key LibreChat names must have LibreChat's type,
// and an optional key must be absent rather than null.
import { z } from 'zod';
import {
  accessRoleSchema,
  AccessRoleIds,
  effectivePermissionsResponseSchema,
  getResourcePermissionsResponseSchema,
  mcpServersPermissionsSchema,
  peoplePickerPermissionsSchema,
  principalSchema,
  roleSchema,
  tPluginAuthConfigSchema,
  updateResourcePermissionsRequestSchema,
  updateResourcePermissionsResponseSchema,
  MCPServerUserInputSchema,
} from 'librechat-data-provider';

export {
  accessRoleSchema,
  effectivePermissionsResponseSchema,
  principalSchema,
  roleSchema,
  tPluginAuthConfigSchema,
  updateResourcePermissionsRequestSchema,
  updateResourcePermissionsResponseSchema,
  MCPServerUserInputSchema,
};

// ---------------------------------------------------------------------------------------------
// GET /api/mcp/tools — getMCPTools(): q.MCPServersResponse (types/queries.d.ts)
//
// export type MCPTool = {
//     name: string;
//     pluginKey: string;
//     description: string;
//     /** Raw upstream tool name when the model-facing key stripped a redundant
//      *  server-name prefix — gates the agent editor's legacy id migration. */
//     serverToolName?: string;
// };
// export type MCPServer = {
//     name: string;
//     icon: string;
//     authenticated: boolean;
//     /** Passive discovery found that stored OAuth authorization must be renewed. */
//     authorizationState?: 'reauth_required';
//     /** Shared credential/catalog generation observed by passive discovery. */
//     authorizationGeneration?: string;
//     authConfig: s.TPluginAuthConfig[];          // s.TPluginAuthConfig = z.infer<typeof tPluginAuthConfigSchema>
//     tools: MCPTool[];
// };
// export type MCPServersResponse = {
//     servers: Record<string, MCPServer>;
// };
export const mcpToolSchema = z.object({
  name: z.string(),
  pluginKey: z.string(),
  description: z.string(),
  serverToolName: z.string().optional(),
});
export const mcpServerSchema = z.object({
  name: z.string(),
  icon: z.string(),
  authenticated: z.boolean(),
  authorizationState: z.literal('reauth_required').optional(),
  authorizationGeneration: z.string().optional(),
  authConfig: z.array(tPluginAuthConfigSchema),
  tools: z.array(mcpToolSchema),
});
export const mcpServersResponseSchema = z.object({
  servers: z.record(z.string(), mcpServerSchema),
});

// ---------------------------------------------------------------------------------------------
// GET /api/mcp/servers[/:name], POST, PATCH — mcp.MCPServersListResponse / mcp.MCPServerDBObjectResponse
// (types/types/mcpServers.d.ts):
//
// export type MCPServerDBObjectResponse = {
//     dbId?: string;
//     serverName: string;
//     /** True if access is only via agent (not directly shared with user) */
//     consumeOnly?: boolean;
//     /** True when chat request fields are required before the server can connect. */
//     requestScoped?: boolean;
// } & MCPOptions;                                // MCPOptions = z.infer<typeof MCPOptionsSchema>
// export type MCPServersListResponse = Record<string, MCPServerDBObjectResponse>;
//
// Not validated with the exported MCPOptionsSchema: what LibreChat's server actually sends is
// `redactServerSecrets(config)` (packages/api/src/mcp/utils.ts), an allowlist that drops `url` for
// callers who cannot edit the server and `command`/`args` of stdio servers, so LibreChat's own
// answers fail MCPOptionsSchema; and `serverName` is absent on GET and PATCH. The fields below are
// that allowlist with the types LibreChat's server gives them (ParsedServerConfig):
//   { type, url?, title, description, iconPath, chatMenu, requiresOAuth,
//     capabilities /* string: JSON text */, tools /* string: comma-separated names */,
//     toolFunctions /* Record<key, {type:'function', function:{name, description, parameters}}> */,
//     initDuration /* number, ms */, updatedAt /* number, epoch ms */, dbId,
//     source /* 'yaml'|'config'|'user'|'plugin' */, consumeOnly, inspectionFailed, customUserVars,
//     serverInstructions, deferLoading, requestScoped /* true or absent */,
//     apiKey?: {source, authorization_type, custom_header?},   // never the key
//     oauth?: {...without client_secret}, obo? }
// plus MCPOptions' own base fields (startup, timeout, ...) with MCPOptionsSchema's types.
const customUserVarSchema = z.object({ title: z.string(), description: z.string(), sensitive: z.boolean().optional() });
export const redactedServerConfigSchema = z.object({
  serverName: z.string().optional(),
  type: z.enum(['stdio', 'websocket', 'sse', 'streamable-http', 'http']).optional(),
  url: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  iconPath: z.string().optional(),
  startup: z.boolean().optional(),
  chatMenu: z.boolean().optional(),
  requiresOAuth: z.boolean().optional(),
  timeout: z.number().int().nonnegative().optional(),
  initTimeout: z.number().int().nonnegative().optional(),
  sseReadTimeout: z.number().int().positive().optional(),
  capabilities: z.string().optional(),
  tools: z.string().optional(),
  toolFunctions: z.record(z.string(), z.object({
    type: z.literal('function'),
    function: z.object({ name: z.string(), description: z.string().optional() }).passthrough(),
  })).optional(),
  initDuration: z.number().optional(),
  updatedAt: z.number().optional(),
  dbId: z.string().optional(),
  source: z.enum(['yaml', 'config', 'user', 'plugin']).optional(),
  consumeOnly: z.boolean().optional(),
  inspectionFailed: z.boolean().optional(),
  customUserVars: z.record(z.string(), customUserVarSchema).optional(),
  serverInstructions: z.union([z.boolean(), z.string()]).optional(),
  deferLoading: z.boolean().optional(),
  requestScoped: z.literal(true).optional(),
  apiKey: z.object({
    source: z.enum(['admin', 'user']),
    authorization_type: z.enum(['basic', 'bearer', 'custom']),
    custom_header: z.string().optional(),
  }).optional(),
  oauth: z.object({
    authorization_url: z.string().optional(),
    token_url: z.string().optional(),
    client_id: z.string().optional(),
    scope: z.string().optional(),
    redirect_uri: z.string().optional(),
    revocation_endpoint: z.string().optional(),
  }).passthrough().optional(),
});
export const serversListSchema = z.record(z.string(), redactedServerConfigSchema);
/** createMCPServer: 201 `{serverName, ...redactServerSecrets(config, {canEdit: true})}`. */
export const createdServerSchema = redactedServerConfigSchema.extend({ serverName: z.string() });

/**
 * deleteMCPServer(): the type is `Promise<{ success: boolean }>` (data-service.d.ts), but LibreChat's
 * server answers `{message: 'MCP server deleted successfully'}`. Either is accepted.
 */
export const deleteServerSchema = z.union([
  z.object({ success: z.boolean() }),
  z.object({ message: z.string() }),
]);

// ---------------------------------------------------------------------------------------------
// POST /api/mcp/:server/reinitialize — mcp.MCPReinitializeResponse (types/types/mcpServers.d.ts)
//
// export type MCPReinitializeFailureReason = 'unreachable' | 'missing_custom_user_vars' | 'oauth_required' | 'initialization_failed';
// export interface MCPReinitializeResponse {
//     success: boolean;
//     message: string;
//     serverName: string;
//     oauthRequired?: boolean;
//     oauthUrl?: string | null;
//     /** Shared OAuth attempt identifier used to poll durable flow state. */
//     flowId?: string;
//     /** Remaining OAuth completion window for this attempt, in milliseconds. */
//     oauthTimeout?: number;
//     failureReason?: MCPReinitializeFailureReason;
//     missingUserVars?: string[];
//     /** True when the server uses request-scoped placeholders and the connection
//      *  was deferred to the next chat turn (tools are not enumerable up front). */
//     connectionDeferred?: boolean;
// }
export const reinitializeResponseSchema = z.object({
  success: z.boolean(),
  message: z.string(),
  serverName: z.string(),
  oauthRequired: z.boolean().optional(),
  oauthUrl: z.string().nullable().optional(),
  flowId: z.string().optional(),
  oauthTimeout: z.number().optional(),
  failureReason: z.enum(['unreachable', 'missing_custom_user_vars', 'oauth_required', 'initialization_failed']).optional(),
  missingUserVars: z.array(z.string()).optional(),
  connectionDeferred: z.boolean().optional(),
});

// export interface MCPOAuthStatusResponse {
//     status: 'PENDING' | 'COMPLETED' | 'FAILED';
//     completed: boolean;
//     failed: boolean;
//     error?: string;
// }
export const oauthStatusSchema = z.object({
  status: z.enum(['PENDING', 'COMPLETED', 'FAILED']),
  completed: z.boolean(),
  failed: z.boolean(),
  error: z.string().optional(),
});

// bindMCPOAuth(serverName): Promise<{ success: boolean; }>   (data-service.d.ts)
export const bindResponseSchema = z.object({ success: z.boolean() });

// types/mutations.d.ts
// export interface CancelMCPOAuthResponse {
//     success: boolean;
//     message: string;
// }
export const cancelResponseSchema = z.object({ success: z.boolean(), message: z.string() });

// ---------------------------------------------------------------------------------------------
// Connection status and auth values (types/types/queries.d.ts)
//
// export interface MCPServerStatus {
//     requiresOAuth: boolean;
//     /** The server connects only inside a chat request because its config reads BODY placeholders. */
//     requestScoped?: boolean;
//     /** Whether all declared per-user variables are present for an on-demand connection. */
//     configurationState?: 'configured' | 'needs_configuration';
//     connectionState: 'disconnected' | 'connecting' | 'connected' | 'error';
//     authorizationState?: 'not_required' | 'authorizing' | 'authorized' | 'needs_authorization' | 'error';
//     /** Shared credential/catalog generation observed by the status endpoint. */
//     authorizationGeneration?: string;
// }
// export interface MCPConnectionStatusResponse {
//     success: boolean;
//     connectionStatus: Record<string, MCPServerStatus>;
//     /** Server-configured OAuth completion window in ms (`MCP_OAUTH_HANDLING_TIMEOUT`) */
//     oauthTimeout?: number;
// }
// export interface MCPServerConnectionStatusResponse {
//     success: boolean;
//     serverName: string;
//     requiresOAuth: boolean;
//     requestScoped?: boolean;
//     configurationState?: MCPServerStatus['configurationState'];
//     connectionStatus: 'disconnected' | 'connecting' | 'connected' | 'error';
//     authorizationState?: MCPServerStatus['authorizationState'];
//     authorizationGeneration?: string;
// }
// export interface MCPAuthValuesResponse {
//     success: boolean;
//     serverName: string;
//     authValueFlags: Record<string, boolean>;
// }
const connectionState = z.enum(['disconnected', 'connecting', 'connected', 'error']);
const authorizationState = z.enum(['not_required', 'authorizing', 'authorized', 'needs_authorization', 'error']);
const configurationState = z.enum(['configured', 'needs_configuration']);
export const serverStatusSchema = z.object({
  requiresOAuth: z.boolean(),
  requestScoped: z.boolean().optional(),
  configurationState: configurationState.optional(),
  connectionState,
  authorizationState: authorizationState.optional(),
  authorizationGeneration: z.string().optional(),
});
export const connectionStatusResponseSchema = z.object({
  success: z.boolean(),
  connectionStatus: z.record(z.string(), serverStatusSchema),
  oauthTimeout: z.number().optional(),
});
export const serverConnectionStatusResponseSchema = z.object({
  success: z.boolean(),
  serverName: z.string(),
  requiresOAuth: z.boolean(),
  requestScoped: z.boolean().optional(),
  configurationState: configurationState.optional(),
  connectionStatus: connectionState,
  authorizationState: authorizationState.optional(),
  authorizationGeneration: z.string().optional(),
});
export const authValuesResponseSchema = z.object({
  success: z.boolean(),
  serverName: z.string(),
  authValueFlags: z.record(z.string(), z.boolean()),
});

// ---------------------------------------------------------------------------------------------
// updateUserPlugins(payload: t.TUpdateUserPlugins): Promise<any>   (types.d.ts)
// export type TUpdateUserPlugins = {
//     isEntityTool?: boolean;
//     pluginKey: string;
//     action: string;
//     auth?: Partial<Record<string, string | null>> | null;
// };
// The answer is `any`; LibreChat's server answers 200 with an empty body (axios gives '').
export const updateUserPluginsRequestSchema = z.object({
  isEntityTool: z.boolean().optional(),
  pluginKey: z.string(),
  action: z.string(),
  auth: z.record(z.string(), z.string().nullable()).nullable().optional(),
}).strict();

// ---------------------------------------------------------------------------------------------
// Permissions (accessPermissions.d.ts, types/queries.d.ts)
//
// searchPrincipals(params: q.PrincipalSearchParams): Promise<q.PrincipalSearchResponse>
// export type PrincipalSearchResponse = {               // types/queries.d.ts
//     query: string;
//     limit: number;
//     types?: Array<p.PrincipalType.USER | p.PrincipalType.GROUP | p.PrincipalType.ROLE>;
//     results: p.TPrincipalSearchResult[];
//     count: number;
//     sources: { local: number; entra: number; };
// };
// Corrected: `types` is nullable, as in accessPermissions.d.ts' TPrincipalSearchResponse
// (`types?: Array<...> | null`), because LibreChat's controller sends `types: null` when the
// request names no valid type; queries.d.ts' copy of the type forgot the null.
//
// export type TPrincipalSearchResult = {
//     id?: string | null;
//     type: PrincipalType.USER | PrincipalType.GROUP | PrincipalType.ROLE;
//     name: string;
//     email?: string;
//     username?: string;
//     avatar?: string;
//     provider?: string;
//     source: 'local' | 'entra';
//     memberCount?: number;
//     description?: string;
//     idOnTheSource?: string;
//     isAdmin?: boolean;
// };
const searchablePrincipalType = z.enum(['user', 'group', 'role']);
export const principalSearchResultSchema = z.object({
  id: z.string().nullable().optional(),
  type: searchablePrincipalType,
  name: z.string(),
  email: z.string().optional(),
  username: z.string().optional(),
  avatar: z.string().optional(),
  provider: z.string().optional(),
  source: z.enum(['local', 'entra']),
  memberCount: z.number().optional(),
  description: z.string().optional(),
  idOnTheSource: z.string().optional(),
  isAdmin: z.boolean().optional(),
});
export const principalSearchResponseSchema = z.object({
  query: z.string(),
  limit: z.number(),
  types: z.array(searchablePrincipalType).nullable().optional(),
  results: z.array(principalSearchResultSchema),
  count: z.number(),
  sources: z.object({ local: z.number(), entra: z.number() }),
});

// getAccessRoles(resourceType): Promise<q.AccessRolesResponse>   (types/queries.d.ts)
// export type AccessRole = {
//     accessRoleId: p.AccessRoleIds;
//     name: string;
//     description: string;
//     permBits: number;
// };
// export type AccessRolesResponse = AccessRole[];
// Checked with both: the exported accessRoleSchema (description optional, resourceType defaulted)
// and this copy of the type the function is declared to return (description required).
export const accessRolesExportedSchema = z.array(accessRoleSchema);
export const accessRolesTypeSchema = z.array(z.object({
  accessRoleId: z.nativeEnum(AccessRoleIds),
  name: z.string(),
  description: z.string(),
  permBits: z.number(),
}));

// getResourcePermissions(): permissions.TGetResourcePermissionsResponse
//   = z.infer<typeof getResourcePermissionsResponseSchema>
// Corrected copy: the exported schema declares `resourceId: z.nativeEnum(AccessRoleIds)` — an
// access-role id such as 'mcpServer_viewer' — where the value is the resource's id (LibreChat sends
// the Mongo _id, the server list's `dbId`). LibreChat's own answer fails the exported schema.
export const resourcePermissionsSchema = getResourcePermissionsResponseSchema.extend({ resourceId: z.string() });

// getAllEffectivePermissions(): permissions.TAllEffectivePermissionsResponse
// export type TAllEffectivePermissionsResponse = Record<string, number>;
export const allEffectivePermissionsSchema = z.record(z.string(), z.number());

// ---------------------------------------------------------------------------------------------
// Roles: getRole / updateMCPServersPermissions / updatePeoplePickerPermissions answer r.TRole
// (`export type TRole = z.infer<typeof roleSchema>;`, roles.d.ts) — the exported roleSchema needs
// all 17 permission types. The request bodies are what LibreChat's routes parse:
// `mcpServersPermissionsSchema.partial()` / `peoplePickerPermissionsSchema.partial()` (strict here,
// so the suite cannot send a key LibreChat would drop).
export const mcpServersUpdatesSchema = mcpServersPermissionsSchema.partial().strict();
export const peoplePickerUpdatesSchema = peoplePickerPermissionsSchema.partial().strict();

// ---------------------------------------------------------------------------------------------
// A 400 from createMCPServer/updateMCPServer. LibreChat sends
//   {message: 'Invalid configuration', errors: ZodError.errors}   (zod-3 issues: code, path, message)
// and its UI shows `error` when it is a string. Portcullis keeps its stable `error` code beside them.
export const invalidConfigErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  errors: z.array(z.object({
    path: z.array(z.union([z.string(), z.number()])),
    message: z.string(),
  }).passthrough()).min(1),
});
