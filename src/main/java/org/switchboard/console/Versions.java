package org.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Json;

/**
 * Optimistic concurrency for the configuration forms: each form carries, in {@code _version}, a digest of the object
 * as it was when the page was made; a save whose digest no longer matches the stored object is refused, so two
 * people editing one object do not silently overwrite each other.
 */
final class Versions {
    private Versions() {}

    /** The digest of an object's wire form. */
    static String of(Object wire) {
        JsonNode tree = wire instanceof JsonNode node ? node : Json.tree(wire);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.writeString(tree).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why the save must be refused: the form was made from an older version of {@code current}. */
    static Optional<String> stale(Form form, Object current) {
        Optional<String> sent = form.first("_version");
        if (sent.isEmpty() || sent.get().equals(of(current))) {
            return Optional.empty();
        }
        return Optional.of("Someone else saved this since you opened it; nothing was changed. Stored now: "
                + Json.writeString(current));
    }
}
