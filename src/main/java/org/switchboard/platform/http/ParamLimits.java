package org.switchboard.platform.http;

import java.util.Map;
import org.switchboard.platform.problem.Problem;

/**
 * How many parameters a keyed request (RTB ping, postback, data writing and reading, call control, caller list keys)
 * may carry and how long each may be. They are stored and shown to the account owner, so one request must not be
 * able to put a 60 KB name into the owner's logs; docs/postbacks.md and docs/rtb.md state the same limits.
 */
public final class ParamLimits {
    /** Characters in a parameter name. */
    public static final int MAX_NAME_LENGTH = 256;
    /** Characters in a parameter value. */
    public static final int MAX_VALUE_LENGTH = 8_192;
    /** Distinct parameters in one request. */
    public static final int MAX_PARAMS = 200;

    private static final int SHOWN_PREFIX = 32;

    private ParamLimits() {}

    /** {@code params} when they are within the limits; otherwise a 400 naming the limit broken. */
    static Map<String, String> check(Map<String, String> params) {
        if (params.size() > MAX_PARAMS) {
            throw new Problem.Invalid(
                    null, "the request has " + params.size() + " parameters; at most " + MAX_PARAMS + " are accepted");
        }
        for (Map.Entry<String, String> param : params.entrySet()) {
            String name = param.getKey();
            if (name.length() > MAX_NAME_LENGTH) {
                throw new Problem.Invalid(
                        null,
                        "a parameter name is " + name.length() + " characters long; at most " + MAX_NAME_LENGTH
                                + " are accepted (the name begins \"" + name.substring(0, SHOWN_PREFIX) + "\")");
            }
            if (param.getValue().length() > MAX_VALUE_LENGTH) {
                throw new Problem.Invalid(
                        name,
                        "the value of " + name + " is " + param.getValue().length()
                                + " characters long; a parameter value may have at most " + MAX_VALUE_LENGTH);
            }
        }
        return params;
    }
}
