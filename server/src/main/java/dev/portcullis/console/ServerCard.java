package dev.portcullis.console;

import dev.portcullis.config.ServerNames;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * One server on "My servers", as the signed-in person sees it; every text is escaped by the template, and
 * what goes into a URL or an element id is encoded here.
 *
 * @param iconUrl the server's icon when it is an inline image ({@code data:image/...}); empty otherwise, since the
 *                console loads nothing from elsewhere (its CSP forbids it, and fetching it for the page would make
 *                the gateway fetch any address a server's author names)
 * @param canConnect the server needs the person's authorization and they have none yet
 * @param authorized the person holds a grant at the server
 * @param variables the values the server asks each person for ({@code customUserVars}), never their values
 * @param mayShare the person may share this server: a user server they hold SHARE on, and their role may share
 * @param message what the last action on this card did, or why it failed; empty when there was none
 */
public record ServerCard(String name, String title, String description, String iconUrl, String state, String stateLabel,
                         String authorizationLabel, String kind, boolean canConnect, boolean authorized, String userId,
                         List<Variable> variables, boolean mayShare, String message) {

    /** What a variable's field name starts with in the card's form. */
    public static final String FIELD_PREFIX = "var.";

    /** One of the values a server asks each person for, and whether this person has set it. */
    public record Variable(String name, String title, String description, boolean sensitive, boolean set) {
        /** The form field's name: prefixed, so no variable's name can be mistaken for the form's own fields. */
        public String fieldName() {
            return FIELD_PREFIX + name;
        }

        /** The form field's id: the variable's name can hold any character. */
        public String fieldId(ServerCard card) {
            return "var-" + card.idSuffix() + "-" + HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The server's name as one path segment. */
    public String pathName() {
        return ServerNames.encoded(name);
    }

    /** The person's id as a query value (the OAuth initiate route checks it names the signed-in person). */
    public String userIdParam() {
        return URLEncoder.encode(userId, StandardCharsets.UTF_8);
    }

    /** The id of the card's live state; the state poll replaces that element by it. */
    public String stateId() {
        return "state-" + idSuffix();
    }

    /** The id of the card's authorization fact, replaced by the same poll. */
    public String authorizationId() {
        return "auth-" + idSuffix();
    }

    /** A server's name in an element id: hex, since a name may hold any character. */
    private String idSuffix() {
        return HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The first letter of the title, shown where there is no inline icon. */
    public String initial() {
        return title.isEmpty() ? "?" : title.substring(0, title.offsetByCodePoints(0, 1)).toUpperCase(java.util.Locale.ROOT);
    }

    /** How many of the variables this person has set. */
    public long variablesSet() {
        return variables.stream().filter(Variable::set).count();
    }
}
