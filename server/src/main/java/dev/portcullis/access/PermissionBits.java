package dev.portcullis.access;

/** LibreChat's resource permission bits. A caller's effective permissions are the OR of every grant that matches them. */
public final class PermissionBits {
    public static final int NONE = 0;
    public static final int VIEW = 1;
    public static final int EDIT = 2;
    public static final int DELETE = 4;
    public static final int SHARE = 8;
    public static final int ALL = VIEW | EDIT | DELETE | SHARE;

    private PermissionBits() {
    }

    public static boolean has(int bits, int needed) {
        return (bits & needed) == needed;
    }

    /** The name of a single bit, for error messages. */
    public static String name(int bit) {
        return switch (bit) {
            case VIEW -> "VIEW";
            case EDIT -> "EDIT";
            case DELETE -> "DELETE";
            case SHARE -> "SHARE";
            default -> Integer.toString(bit);
        };
    }
}
