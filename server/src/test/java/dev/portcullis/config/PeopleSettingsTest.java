package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth.admins}, {@code auth.roles}, {@code auth.groups}, {@code auth.directory} and {@code interface.peoplePicker}. */
class PeopleSettingsTest {
    @TempDir
    Path dir;

    private ConfigLoader.Result load(String yaml) {
        return new ConfigLoader(Map.of("OPS_ID", "65f0000000000000000000aa")).load("test.yaml", yaml, dir);
    }

    private List<String> errors(String yaml) {
        return load(yaml).errors().stream().map(p -> p.line() + " " + p.path() + ": " + p.message()).toList();
    }

    @Test
    void reads_who_holds_which_role_and_group() {
        PortcullisConfig c = load("""
                auth:
                  admins:
                    ids: ["${OPS_ID}"]
                    emails: [Root@Example.COM]
                  roles:
                    REVIEWER: {emails: [rita@example.com]}
                  groups:
                    research: {ids: [u1, u2], emails: [rita@example.com]}
                  directory: {retentionDays: 30}
                interface:
                  peoplePicker: {users: true, roles: true}
                """).orThrow();
        PrincipalMapping mapping = c.auth().mapping();
        assertThat(mapping.roles()).containsOnlyKeys("ADMIN", "REVIEWER");
        assertThat(mapping.roleOf("65f0000000000000000000aa", Optional.empty(), "")).contains("ADMIN");
        assertThat(mapping.roleOf("someone", Optional.of("root@example.com"), "")).as("emails match in any case").contains("ADMIN");
        assertThat(mapping.roleOf("someone", Optional.of("RITA@example.com"), "")).contains("REVIEWER");
        assertThat(mapping.roleOf("someone", Optional.of("nobody@example.com"), "")).isEmpty();
        assertThat(mapping.groupsOf("u2", Optional.empty(), "")).containsExactly("research");
        assertThat(c.auth().directory()).isEqualTo(new DirectorySettings(true, Duration.ofDays(30)));
        assertThat(c.peoplePicker()).isEqualTo(new PeoplePickerDefaults(true, false, true));
        assertThat(c.ignoredSections()).doesNotContain("interface.peoplePicker");
    }

    /**
     * A mapping meant for one tenant stays in it, and an address matches only itself: a look-alike
     * (the Kelvin sign folds to k under full case folding) or a padded address never does.
     */
    @Test
    void mappings_are_held_to_their_tenants_and_addresses_to_ascii() {
        PortcullisConfig c = load("""
                auth:
                  admins: {emails: [kate@example.com], tenants: [acme]}
                  groups:
                    everywhere: {ids: [u1]}
                """).orThrow();
        PrincipalMapping mapping = c.auth().mapping();
        assertThat(mapping.roleOf("x", Optional.of("kate@example.com"), "acme")).contains("ADMIN");
        assertThat(mapping.roleOf("x", Optional.of("kate@example.com"), "globex")).as("another tenant").isEmpty();
        assertThat(mapping.roleOf("x", Optional.of("kate@example.com"), "")).as("the default tenant").isEmpty();
        assertThat(mapping.roleOf("x", Optional.of("\u212Aate@example.com"), "acme")).as("Kelvin sign").isEmpty();
        assertThat(mapping.roleOf("x", Optional.of(" kate@example.com "), "acme")).as("padded").isEmpty();
        assertThat(mapping.groupsOf("u1", Optional.empty(), "globex")).as("no tenants: every tenant").containsExactly("everywhere");

        ConfigLoader.Result bad = new ConfigLoader(java.util.Map.of()).load("t.yaml",
                "auth:\n  admins: {emails: [\"k\u00e4te@example.com\"]}\n", java.nio.file.Path.of("."));
        assertThat(bad.errors()).singleElement().satisfies(p -> assertThat(p.message()).contains("ASCII"));
    }

    @Test
    void defaults_map_nobody_and_let_only_admins_pick_people() {
        PortcullisConfig c = load("server: {port: 0}\n").orThrow();
        assertThat(c.auth().mapping().isEmpty()).isTrue();
        assertThat(c.auth().directory()).isEqualTo(DirectorySettings.DEFAULTS);
        assertThat(c.peoplePicker()).isEqualTo(PeoplePickerDefaults.LIBRECHAT);
    }

    @Test
    void every_mistake_is_reported_at_its_line() {
        assertThat(errors("""
                auth:
                  admins:
                    ids: [a1]
                    emails: [not-an-address]
                  roles:
                    ADMIN: {ids: [a2]}
                    REVIEWER:
                      ids: [a1]
                      id: [x]
                  directory: {retentionDays: 0, keep: true}
                interface:
                  peoplePicker: {users: yes-please}
                """)).containsExactlyInAnyOrder(
                "4 auth.admins.emails[0]: expected an email address such as ops@example.com",
                "6 auth.roles.ADMIN: ADMIN is already given by auth.admins; name the admins in one place",
                "8 auth.roles.REVIEWER.ids[0]: this user is already given role 'ADMIN'; a user holds one role",
                "9 auth.roles.REVIEWER.id: unknown key; did you mean 'ids'?",
                "10 auth.directory.retentionDays: must be between 1 and 3650",
                "10 auth.directory.keep: unknown key; known keys: enabled, retentionDays",
                "12 interface.peoplePicker.users: expected true or false");
    }

    @Test
    void one_address_under_two_roles_is_an_error_whatever_its_case() {
        assertThat(errors("""
                auth:
                  roles:
                    A: {emails: [x@example.com]}
                    B: {emails: [X@Example.com]}
                """)).containsExactly("4 auth.roles.B.emails[0]: this user is already given role 'A'; a user holds one role");
    }

    @Test
    void a_user_may_be_in_many_groups_and_a_group_naming_nobody_is_a_warning() {
        ConfigLoader.Result result = load("""
                auth:
                  groups:
                    a: {ids: [u1]}
                    b: {ids: [u1]}
                    empty: {}
                """);
        assertThat(result.errors()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).startsWith("names nobody");
        });
    }
}
