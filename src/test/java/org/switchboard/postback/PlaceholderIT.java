package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchboard.platform.http.Json;
import org.switchboard.testing.Api;
import org.switchboard.testing.ServerIT;

/**
 * A key URL pasted with its placeholder still in it, on every keyed endpoint: a 400 naming the parameter and saying
 * the placeholder must be replaced, whether the brackets were sent raw, percent-encoded or in upper case.
 */
class PlaceholderIT extends ServerIT {

    /** Every keyed endpoint's URL as the admin API shows it, with a list name filled in where the path needs one. */
    private Map<String, String> keyUrls(Api api) {
        api.patch("/api/v2/account", "{\"features\": {\"real_time_bidding\": true, \"live_call_control\": true}}");
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"C\"}").id();
        long publisher = api.post("/api/v2/publishers", "{\"name\": \"P\"}").id();
        long buyer = api.post("/api/v2/buyers", "{\"name\": \"B\", \"destination\": \"+12125550731\"}")
                .id();
        long group = api.post("/api/v2/buyer_groups", "{\"name\": \"G\", \"buyer_ids\": [" + buyer + "]}")
                .id();
        long directory = api.post(
                        "/api/v2/directories",
                        "{\"name\": \"D\", \"entries\": [{\"name\": \"Sales\", \"destination\": \"+12125550732\"}]}")
                .id();
        api.post("/api/v2/campaigns/" + campaign + "/caller_lists", "{\"name\": \"suppressed_x\"}");
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("rtb", key(api, "/api/v2/campaigns/" + campaign, "real_time_bidding", "{}"));
        urls.put("data writing", key(api, "/api/v2/publishers/" + publisher, "call_data_writing", "{}"));
        urls.put(
                "data reading",
                key(api, "/api/v2/buyer_groups/" + group, "call_data_reading", "{\"readable_tags\": [\"ad\"]}"));
        urls.put("conversion", key(api, "/api/v2/buyers/" + buyer, "conversion", "{}"));
        urls.put("call rejection", key(api, "/api/v2/buyer_groups/" + group, "call_rejection", "{}"));
        urls.put(
                "call transfer",
                key(api, "/api/v2/buyer_groups/" + group, "call_transfer", "{\"directory_id\": " + directory + "}"));
        String lists = key(
                        api,
                        "/api/v2/campaigns/" + campaign,
                        "caller_list_management",
                        "{\"permissions\": [\"caller_list_check__create\"]}")
                .replace("<list_name>/caller_list_numbers.json", "suppressed_x/caller_list_checks.json");
        urls.put("caller list", lists + "&number=[caller_number]");
        return urls;
    }

    private static String key(Api api, String owner, String type, String options) {
        var created = api.post(
                owner + "/postback_keys",
                "{\"type\": \"" + type + "\", \"name\": \"" + type + "\", \"options\": " + options + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().path("url").asText();
    }

    @Test
    void everyKeyedEndpointShouldNameTheUnreplacedPlaceholder() {
        // given
        Map<String, String> urls = keyUrls(newAccount());
        List<String> problems = new ArrayList<>();

        for (var url : urls.entrySet()) {
            for (String form : List.of("raw", "encoded", "upper case")) {
                String sent = switch (form) {
                    case "raw" -> url.getValue();
                    case "encoded" -> url.getValue().replace("[", "%5B").replace("]", "%5D");
                    default ->
                        url.getValue()
                                .replace("[caller_number]", "CALLER_NUMBER")
                                .replace("[call_uuid]", "CALL_UUID");
                };
                // when: the URL sent as pasted, brackets and all (a raw request: java.net.URI refuses them)
                Raw answer = rawPost(sent);

                // then
                // an RTB key bound to no publisher carries publisher_id=[publisher_id] first in its URL
                String field = switch (url.getKey()) {
                    case "caller list" -> "number";
                    case "rtb" -> "publisher_id";
                    default -> "caller_number";
                };
                JsonNode error = answer.json().path("error");
                boolean named = error.isMissingNode()
                        // the plain-text answers the document prescribes: FAILED <reason>, the reason naming it
                        ? answer.body().startsWith("FAILED") && answer.body().contains(field)
                        : field.equals(error.path("field").asText());
                if (answer.status() != 400 || !named || !answer.body().contains("placeholder")) {
                    problems.add(url.getKey() + " (" + form + "): " + answer);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private record Raw(int status, String body) {
        JsonNode json() {
            try {
                return Json.read(body);
            } catch (RuntimeException e) {
                return Json.MAPPER.createObjectNode();
            }
        }
    }

    /** POSTs the URL exactly as written (no encoding), as a pasted URL reaches the server from a lenient client. */
    private static Raw rawPost(String url) {
        URI base = URI.create(url.substring(0, url.indexOf('/', url.indexOf("//") + 2)));
        String target = url.substring(base.toString().length());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write(("POST " + target + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Length: 0\r\n"
                                    + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            // read the head, then as many body bytes as it announces (the server may keep the connection open)
            var in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            int status = Integer.parseInt(head.substring(9, 12));
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            return new Raw(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
