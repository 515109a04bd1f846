package dev.portcullis.oauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrantOwnerTest {
    @Test
    void no_two_owners_share_a_flow_id() {
        assertThat(new GrantOwner("acme", "bob", "github").flowId())
                .isNotEqualTo(new GrantOwner("", "acme:bob", "github").flowId());
        assertThat(new GrantOwner("", "a%3Ab", "s").flowId()).isNotEqualTo(new GrantOwner("", "a:b", "s").flowId());
        assertThat(new GrantOwner("acme", "bob", "crm").flowId()).as("server names may hold ':'")
                .isNotEqualTo(new GrantOwner("", "acme", "bob:crm").flowId());
    }

    @Test
    void librechat_ids_read_as_librechat_writes_them() {
        assertThat(new GrantOwner("", "6650a1b2c3d4e5f6a7b8c9d0", "github").flowId()).isEqualTo("6650a1b2c3d4e5f6a7b8c9d0:github");
        assertThat(new GrantOwner("t1", "u1", "github").flowId()).isEqualTo("t1:u1:github");
    }
}
