package org.switchboard.telephony;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.switchboard.platform.http.Json;

/**
 * Plays whole calls through a running server's carrier-neutral call-control API, for demos, tests and load runs.
 *
 * <pre>
 * ./switchboard simulate --key sb_... --to +18665550100 [--from +13125550147] [--answers no,busy,yes]
 *                        [--talk 95] [--server http://127.0.0.1:8080] [--calls 1]
 * </pre>
 *
 * {@code --answers} says how each dialled buyer responds, in order ({@code yes}, {@code no}, {@code busy},
 * {@code failed}; buyers past the list answer); {@code --talk} is the connected time reported at hang-up. Each step
 * and the final explained call log are printed.
 */
public final class Simulator {
    private final HttpClient client = HttpClient.newHttpClient();
    private final String server;
    private final String key;
    private final PrintStream out;

    Simulator(String server, String key, PrintStream out) {
        this.server = server;
        this.key = key;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        if (options.containsKey("help") || !options.containsKey("key") || !options.containsKey("to")) {
            System.out.println(
                    "usage: simulate --key API_KEY --to TRACKING_NUMBER [--from CALLER] [--answers yes|no|busy|failed,...]"
                            + " [--talk SECONDS] [--server URL] [--calls N]");
            System.exit(options.containsKey("help") ? 0 : 2);
        }
        String server = options.getOrDefault("server", "http://127.0.0.1:8080");
        Simulator simulator = new Simulator(server, options.get("key"), System.out);
        try {
            int count = Integer.parseInt(options.getOrDefault("calls", "1"));
            List<String> answers =
                    List.of(options.getOrDefault("answers", "yes").split(","));
            int talk = Integer.parseInt(options.getOrDefault("talk", "60"));
            for (int i = 0; i < count; i++) {
                String from = options.getOrDefault("from", "+13125550147");
                simulator.play(from, options.get("to"), answers, talk, count == 1);
            }
        } catch (NumberFormatException e) {
            System.err.println("simulate: --calls and --talk take whole numbers");
            System.exit(2);
        } catch (java.net.ConnectException e) {
            System.err.println("simulate: no Switchboard answers at " + server + " (start it, or pass --server URL)");
            System.exit(1);
        }
    }

    /** Plays one call; prints each step, and the explained log when {@code explain}. Returns the final status. */
    String play(String from, String to, List<String> answers, int talkSeconds, boolean explain)
            throws IOException, InterruptedException {
        JsonNode step = post(
                "/api/v2/call_control/calls",
                Map.of("carrier_call_id", "sim-" + UUID.randomUUID(), "from", from, "to", to));
        String uuid = step.path("call_uuid").asText(null);
        out.printf("call %s -> %s: %s%n", from, to, uuid == null ? "rejected" : uuid);
        int dialled = 0;
        long ringing = 0;
        while (true) {
            JsonNode instruction = step.path("instruction");
            String action = instruction.path("action").asText();
            if (action.equals("dial")) {
                String answer = dialled < answers.size() ? answers.get(dialled).strip() : "yes";
                dialled++;
                out.printf(
                        "  dial %s (buyer %d, ring timeout %d s%s): %s%n",
                        instruction.path("destination").asText(),
                        instruction.path("buyer_id").asLong(),
                        instruction.path("ring_timeout_seconds").asInt(),
                        instruction.path("sip_headers").isMissingNode() ? "" : ", SIP headers X-PH-RetreaverUUID/Key",
                        answer);
                String outcome = switch (answer) {
                    case "yes" -> "answered";
                    case "no" -> "no_answer";
                    default -> answer;
                };
                ringing += outcome.equals("no_answer")
                        ? instruction.path("ring_timeout_seconds").asInt()
                        : 5;
                step = post(
                        "/api/v2/call_control/calls/" + uuid + "/attempts/"
                                + instruction.path("attempt").asInt(),
                        Map.of("outcome", outcome));
            } else if (action.equals("connect")) {
                out.printf("  connected; talking %d s%n", talkSeconds);
                step = post(
                        "/api/v2/call_control/calls/" + uuid + "/hangup",
                        Map.of("duration_seconds", ringing + talkSeconds, "connected_seconds", talkSeconds));
                break;
            } else {
                out.printf("  %s: %s%n", action, instruction.path("reason").asText());
                break;
            }
        }
        if (uuid == null) {
            return "rejected";
        }
        String status = step.path("status").asText();
        out.printf("  ended: %s%n", status);
        if (explain) {
            JsonNode detail = get("/api/v2/calls/" + uuid);
            out.println("  buyers considered:");
            for (JsonNode c : detail.path("buyers_considered")) {
                out.printf(
                        "    %-28s %s%n",
                        c.path("buyer_name").asText() + " ("
                                + c.path("buyer_id").asLong() + ")",
                        c.path("reason").asText());
            }
            out.println("  transitions:");
            for (JsonNode e : detail.path("events")) {
                out.printf(
                        "    %s  %-9s %s%n",
                        e.path("at").asText(),
                        e.path("state").asText(),
                        e.path("detail").asText());
            }
        }
        return status;
    }

    private JsonNode post(String path, Map<String, Object> body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(server + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(body))));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(server + path)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(
                request.header("Authorization", "Bearer " + key)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
        }
        return Json.read(response.body());
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
            String name = arg.substring(2);
            options.put(name, name.equals("help") || rest.isEmpty() ? "" : rest.removeFirst());
        }
        return options;
    }
}
