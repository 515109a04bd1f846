package dev.portcullis.access;

import java.time.Instant;

/** One principal's access role on one server. */
public record Grant(String serverId, Principal principal, AccessRole role, String grantedBy, Instant grantedAt) {
}
