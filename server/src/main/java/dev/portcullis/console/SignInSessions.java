package dev.portcullis.console;

import dev.portcullis.config.SignInSettings;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.PrincipalMapper;
import dev.portcullis.store.shared.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;

/**
 * The console's sign-ins, server side, in the shared store (any replica serves any browser). The
 * browser holds only an unguessable id (256 random bits); the store keys the sign-in by the id's
 * SHA-256, so reading the store does not give anyone a cookie. A sign-in ends after
 * {@link SignInSettings#idle()} without a request and after {@link SignInSettings#absolute()} in any
 * case. What is kept is the person as they signed in; the operator's roles and groups ({@code auth.admins},
 * {@code auth.roles}, {@code auth.groups}) are applied at every request, as for tokens, so taking someone
 * off a list takes effect at once. Each sign-in has its own CSRF token, which every state-changing request made with the cookie
 * must carry. A new id is made at every sign-in, never taken from the browser (no session fixation).
 */
public final class SignInSessions {
    private static final String PREFIX = "signin:";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A sign-in's last-seen time is written at most this often: not one store write per request. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final KeyValueStore store;
    private final ObjectMapper json;
    private final SignInSettings settings;
    private final PrincipalMapper mapper;
    private final Clock clock;

    /** What the browser gets: the cookie's value and the CSRF token for its forms. */
    public record Started(String id, String csrfToken) {
    }

    /** A live sign-in. */
    public record Session(Caller caller, String csrfToken, Instant signedInAt) {
    }

    public SignInSessions(KeyValueStore store, ObjectMapper json, SignInSettings settings, PrincipalMapper mapper, Clock clock) {
        this.store = store;
        this.json = json;
        this.settings = settings;
        this.mapper = mapper;
        this.clock = clock;
    }

    public SignInSettings settings() {
        return settings;
    }

    public Started start(Caller caller) {
        String id = random();
        String csrf = random();
        Instant now = clock.instant();
        store.put(key(id), json.writeValueAsString(record(caller, csrf, now, now)), settings.idle());
        return new Started(id, csrf);
    }

    /** The sign-in this cookie value names, if it is live; counts as a use (the idle time starts again). */
    public Optional<Session> find(String id) {
        return find(id, true);
    }

    /**
     * The sign-in, if it is live, without counting as a use: for what a page does by itself (its live-state poll),
     * which must not keep an unattended browser signed in past the idle time.
     */
    public Optional<Session> peek(String id) {
        return find(id, false);
    }

    private Optional<Session> find(String id, boolean use) {
        if (id == null || id.length() != 43) {
            return Optional.empty();
        }
        Optional<String> stored = store.get(key(id));
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> r = read(stored.get());
        Instant now = clock.instant();
        Instant signedInAt = Instant.parse((String) r.get("signedInAt"));
        Instant seenAt = Instant.parse((String) r.get("seenAt"));
        Instant ends = signedInAt.plus(settings.absolute());
        if (!now.isBefore(ends) || !now.isBefore(seenAt.plus(settings.idle()))) {
            store.delete(key(id));
            return Optional.empty();
        }
        if (use && !now.isBefore(seenAt.plus(TOUCH_EVERY))) {
            Duration left = Duration.between(now, ends);
            r.put("seenAt", now.toString());
            // Only if unchanged: a sign-out between the read and this write must not be undone by it.
            store.compareAndSet(key(id), stored.get(), json.writeValueAsString(r),
                    left.compareTo(settings.idle()) < 0 ? left : settings.idle());
        }
        return Optional.of(new Session(mapper.apply(caller(r)), (String) r.get("csrf"), signedInAt));
    }

    public void end(String id) {
        if (id != null && id.length() == 43) {
            store.delete(key(id));
        }
    }

    /** Equal tokens, compared in constant time. */
    public static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(String id) {
        return PREFIX + digest(id);
    }

    private static Map<String, Object> record(Caller caller, String csrf, Instant signedInAt, Instant seenAt) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("userId", caller.userId());
        r.put("role", caller.role());
        r.put("email", caller.email().orElse(null));
        r.put("tenantId", caller.tenantId().orElse(null));
        r.put("groups", caller.groups());
        r.put("profile", caller.profile());
        r.put("csrf", csrf);
        r.put("signedInAt", signedInAt.toString());
        r.put("seenAt", seenAt.toString());
        return r;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(String stored) {
        return new LinkedHashMap<>(json.readValue(stored, Map.class));
    }

    @SuppressWarnings("unchecked")
    private static Caller caller(Map<String, Object> r) {
        return new Caller((String) r.get("userId"), (String) r.get("role"), Optional.ofNullable((String) r.get("email")),
                Optional.ofNullable((String) r.get("tenantId")), List.copyOf((List<String>) r.get("groups")),
                Map.copyOf((Map<String, String>) r.get("profile")));
    }
}
