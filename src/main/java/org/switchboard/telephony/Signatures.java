package org.switchboard.telephony;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.secret.Secrets;

/**
 * The request signatures of the carriers, computed as their documentation and SDKs compute them. Pure.
 *
 * <ul>
 *   <li>Twilio ({@code X-Twilio-Signature}): base64 HMAC-SHA1, keyed with the auth token, of the full URL followed by
 *       every POST parameter as name and value, sorted by name.
 *   <li>Plivo V3 ({@code X-Plivo-Signature-V3} with {@code X-Plivo-Signature-V3-Nonce}): base64 HMAC-SHA256 of
 *       {@code base + "." + nonce}, where for a POST the base is the URL without its query, then {@code ?} and the
 *       query's parameters sorted ({@code k=v&...}, followed by {@code .} when both query and body exist), then the
 *       body's parameters as sorted name-value pairs. The header may list several signatures, comma-separated.
 *       For a URL with an explicit port, Plivo's Node SDK signs it with the port and its Java SDK without; both are
 *       accepted.
 * </ul>
 */
public final class Signatures {
    private Signatures() {}

    public static String twilio(String authToken, String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params)
                .forEach((key, values) ->
                        values.forEach(value -> data.append(key).append(value)));
        return hmac("HmacSHA1", authToken, data.toString());
    }

    public static boolean twilioValid(
            String authToken, String url, Map<String, List<String>> params, @Nullable String header) {
        return header != null && Secrets.constantTimeEquals(twilio(authToken, url, params), header.strip());
    }

    public static String plivoV3(String authToken, String url, Map<String, List<String>> postParams, String nonce) {
        URI uri = URI.create(url);
        String base =
                uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
        Map<String, List<String>> query = new TreeMap<>();
        if (uri.getRawQuery() != null) {
            for (Map.Entry<String, List<String>> entry : Form.parse(
                            uri.getRawQuery().getBytes(StandardCharsets.UTF_8))
                    .keyToValues()
                    .entrySet()) {
                query.put(entry.getKey(), entry.getValue());
            }
        }
        List<String> queryPairs = new ArrayList<>();
        query.forEach((key, values) -> values.stream().sorted().forEach(value -> queryPairs.add(key + "=" + value)));
        String sortedQuery = String.join("&", queryPairs);
        boolean hasBody = !postParams.isEmpty();
        StringBuilder data = new StringBuilder(base);
        if (!sortedQuery.isEmpty() || hasBody) {
            data.append('?').append(sortedQuery);
        }
        if (!sortedQuery.isEmpty() && hasBody) {
            data.append('.');
        }
        new TreeMap<>(postParams)
                .forEach((key, values) -> values.stream()
                        .sorted()
                        .forEach(value -> data.append(key).append(value)));
        data.append('.').append(nonce);
        return hmac("HmacSHA256", authToken, data.toString());
    }

    public static boolean plivoV3Valid(
            String authToken,
            String url,
            Map<String, List<String>> postParams,
            @Nullable String nonce,
            @Nullable String header) {
        if (header == null || nonce == null) {
            return false;
        }
        // Plivo's SDKs disagree on URLs with an explicit port (Node keeps it, Java drops it): accept either form
        List<String> expected = new ArrayList<>();
        expected.add(plivoV3(authToken, url, postParams, nonce));
        URI uri = URI.create(url);
        if (uri.getPort() >= 0) {
            String withoutPort =
                    uri.getScheme() + "://" + uri.getHost() + (uri.getRawPath() == null ? "" : uri.getRawPath())
                            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            expected.add(plivoV3(authToken, withoutPort, postParams, nonce));
        }
        boolean matched = false;
        for (String candidate : header.split(",")) {
            for (String signature : expected) {
                matched |= Secrets.constantTimeEquals(signature, candidate.strip());
            }
        }
        return matched;
    }

    private static String hmac(String algorithm, String key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(algorithm + " is required by every JDK", e);
        }
    }
}
