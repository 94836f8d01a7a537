package org.switchboard.postback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.phone.PhoneNumbers;
import org.switchboard.platform.problem.Problem;
import org.switchboard.tag.TagSet;

/**
 * The type-specific options of a postback key, checked and filled with defaults. An option a type does not have is
 * refused, naming it ({@code options.ttl_seconds}).
 */
final class KeyOptions {
    /** The look-back choices of the reference UI: none, 30 minutes, 1, 2, 3, 4, 12 or 24 hours. */
    static final Set<Integer> START_SECONDS = Set.of(0, 1_800, 3_600, 7_200, 10_800, 14_400, 43_200, 86_400);

    static final Set<String> PERMISSIONS = Set.of(
            "caller_list__show",
            "caller_list__index",
            "caller_list__create",
            "caller_list__delete",
            "caller_list__update",
            "caller_list_number__show",
            "caller_list_number__create",
            "caller_list_number__delete",
            "caller_list_upload__create",
            "caller_list_check__create");

    private KeyOptions() {}

    static ObjectNode parse(KeyType type, @Nullable JsonNode given) {
        if (given != null && !given.isNull() && !given.isObject()) {
            throw new Problem.Invalid("options", "must be an object");
        }
        ObjectNode in =
                given == null || given.isNull() ? Json.MAPPER.createObjectNode() : (ObjectNode) given.deepCopy();
        ObjectNode out = Json.MAPPER.createObjectNode();
        switch (type) {
            case CALL_DATA_WRITING -> dataWriting(in, out);
            case CALL_DATA_READING -> dataReading(in, out);
            case CALLER_LIST_MANAGEMENT -> callerListManagement(in, out);
            case REAL_TIME_BIDDING -> realTimeBidding(in, out);
            case CALL_TRANSFER -> callTransfer(in, out);
            case CONVERSION, CALL_REJECTION -> {
                // no options
            }
        }
        in.fieldNames().forEachRemaining(name -> {
            throw new Problem.Invalid("options." + name, "is not an option of a " + type.word() + " key");
        });
        return out;
    }

    /** The options of a call data writing key. */
    private static void dataWriting(ObjectNode in, ObjectNode out) {
        out.put("tag_prefix", tagPrefix(in));
        int start = integer(in, "start_seconds", 0, 0, 86_400);
        if (!START_SECONDS.contains(start)) {
            throw new Problem.Invalid(
                    "options.start_seconds", "must be 0, 1800, 3600, 7200, 10800, 14400, 43200 or 86400");
        }
        out.put("start_seconds", start);
        out.put("end_seconds", integer(in, "end_seconds", 3_600, 60, 86_400));
        out.put("reuse_tags_on_repeat_calls", bool(in, "reuse_tags_on_repeat_calls", false));
    }

    /** The options of a call data reading key. */
    private static void dataReading(ObjectNode in, ObjectNode out) {
        // the list is the key's whole purpose ("which tags this key is allowed to read"): a key without it
        // would answer every read with nothing and no reason, so it is refused where the mistake is made
        ArrayNode readable = tagKeys(in, "readable_tags");
        if (readable.isEmpty()) {
            throw new Problem.Invalid(
                    "options.readable_tags",
                    "list at least one tag key this key may read, e.g. {\"readable_tags\": [\"plan\"]}");
        }
        out.set("readable_tags", readable);
    }

    /** The options of a caller list management key. */
    private static void callerListManagement(ObjectNode in, ObjectNode out) {
        ArrayNode permissions = Json.MAPPER.createArrayNode();
        JsonNode list = in.remove("permissions");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new Problem.Invalid("options.permissions", "must be an array");
            }
            for (JsonNode p : list) {
                if (!p.isTextual() || !PERMISSIONS.contains(p.asText())) {
                    throw new Problem.Invalid(
                            "options.permissions", "'" + p.asText() + "' is not a caller-list permission");
                }
                permissions.add(p.asText());
            }
        }
        out.set("permissions", permissions);
        // the document's URL carries the key alone; the secret is a second credential only when asked for
        out.put("require_secret_key", bool(in, "require_secret_key", false));
    }

    /** The options of a real-time bidding key. */
    private static void realTimeBidding(ObjectNode in, ObjectNode out) {
        out.put("tag_prefix", tagPrefix(in));
        JsonNode publisher = in.remove("publisher_id");
        if (publisher != null && !publisher.isNull()) {
            if (!publisher.canConvertToLong() || publisher.asLong() <= 0) {
                throw new Problem.Invalid("options.publisher_id", "must be a publisher id");
            }
            out.put("publisher_id", publisher.asLong());
        }
        out.put("ttl_seconds", integer(in, "ttl_seconds", 15, 10, 999));
        out.put("timeout_seconds", integer(in, "timeout_seconds", 5, 1, 30));
        for (String flag : List.of(
                "return_dba",
                "add_to_caps_on_status_reserved",
                "route_only_to_reserved_target",
                "allow_no_caller_number")) {
            out.put(flag, bool(in, flag, false));
        }
        for (String limit : List.of(
                "ping_shield_outbound_count_limit",
                "ping_shield_outbound_ms_limit",
                "claim_percent_threshold",
                "blocked_inbound_percent")) {
            JsonNode value = in.remove(limit);
            if (value != null && !value.isNull()) {
                if (!value.canConvertToLong() || value.asLong() < 0) {
                    throw new Problem.Invalid("options." + limit, "must be a whole number >= 0");
                }
                out.put(limit, value.asLong());
            }
        }
        JsonNode inbound = in.remove("inbound_number");
        if (inbound != null && !inbound.isNull()) {
            out.put("inbound_number", PhoneNumbers.requireE164("options.inbound_number", inbound.asText()));
        }
    }

    /** The options of a call transfer key. */
    private static void callTransfer(ObjectNode in, ObjectNode out) {
        JsonNode directory = in.remove("directory_id");
        if (directory != null && !directory.isNull()) {
            if (!directory.canConvertToLong() || directory.asLong() <= 0) {
                throw new Problem.Invalid("options.directory_id", "must be a directory id");
            }
            out.put("directory_id", directory.asLong());
        }
    }

    private static String tagPrefix(ObjectNode in) {
        JsonNode value = in.remove("tag_prefix");
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            return "";
        }
        String prefix = TagSet.normalizeKey(value.asText());
        if (prefix.length() > 40 || !TagSet.isValidKey(prefix + "x")) {
            throw new Problem.Invalid("options.tag_prefix", "must be up to 40 characters of a-z, 0-9, '_', '.', '-'");
        }
        return prefix;
    }

    private static ArrayNode tagKeys(ObjectNode in, String name) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        JsonNode list = in.remove(name);
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new Problem.Invalid("options." + name, "must be an array of tag keys");
        }
        for (JsonNode key : list) {
            String normalized = TagSet.normalizeKey(key.asText());
            if (!key.isTextual() || !TagSet.isValidKey(normalized)) {
                throw new Problem.Invalid("options." + name, "'" + key.asText() + "' is not a tag key");
            }
            out.add(normalized);
        }
        return out;
    }

    private static int integer(ObjectNode in, String name, int fallback, int min, int max) {
        JsonNode value = in.remove(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw new Problem.Invalid("options." + name, "must be a whole number between " + min + " and " + max);
        }
        return value.asInt();
    }

    private static boolean bool(ObjectNode in, String name, boolean fallback) {
        JsonNode value = in.remove(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new Problem.Invalid("options." + name, "must be true or false");
        }
        return value.asBoolean();
    }
}
