package org.switchboard.telephony;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * {@code failed}; buyers past the list answer); {@code --talk} is the connected time reported at hang-up. One call
 * prints each step and the explained call log; several print their progress (every tenth of them) instead. Both end
 * with a summary: calls, connected, converted, the final statuses and the time taken.
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

    /** The options {@code simulate --help} lists, with what each takes. */
    public static final String USAGE = """
            usage: ./switchboard simulate --key API_KEY --to TRACKING_NUMBER [options]
            Plays calls through a running Switchboard's call-control API and prints each step.
              --key API_KEY        an account's API key (printed at first start; required)
              --to NUMBER          the tracking number called (required)
              --from CALLER        the caller's number (default +13125550147)
              --answers LIST       how each dialled buyer answers, in order: yes, no, busy or failed,
                                   comma-separated; buyers past the list answer (default yes)
              --talk SECONDS       connected time reported at hang-up (default 60)
              --server URL         the server (default http://127.0.0.1:8080)
              --calls N            calls to play (default 1, printed step by step with its explanation;
                                   several print their progress, then a summary)
              --help               this text""";

    private static final List<String> ANSWERS = List.of("yes", "no", "busy", "failed");

    /** A checked command line: what to play. */
    record Options(
            String server, String key, String to, String from, List<String> answers, int talkSeconds, int calls) {}

    /** What a command line asks for: a run, the usage, or a one-line reason it cannot run. */
    sealed interface Command {
        record Run(Options options) implements Command {}

        record Help() implements Command {}

        record Invalid(String message) implements Command {}
    }

    /** A non-2xx answer from the server, with the error code and message of its JSON body when it has one. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command line, printing the calls to {@code out} and any failure as one line on {@code err} saying what
     * to do; returns the process exit code (0 done, 1 the server could not be used, 2 a bad command line).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return switch (parse(args)) {
            case Command.Help help -> {
                out.println(USAGE);
                yield 0;
            }
            case Command.Invalid invalid -> {
                err.println("simulate: " + invalid.message() + " (./switchboard simulate --help lists the options)");
                yield 2;
            }
            case Command.Run run -> play(run.options(), out, err);
        };
    }

    private static int play(Options options, PrintStream out, PrintStream err) {
        // one call prints each step and its explanation; several print progress and a summary
        boolean one = options.calls() == 1;
        Simulator simulator = new Simulator(
                options.server(), options.key(), one ? out : new PrintStream(OutputStream.nullOutputStream()));
        Tally tally = new Tally(System.nanoTime());
        int every = Math.max(1, options.calls() / 10);
        try {
            for (int i = 0; i < options.calls(); i++) {
                tally.add(simulator.play(options.from(), options.to(), options.answers(), options.talkSeconds(), one));
                if (!one && ((i + 1) % every == 0 || i + 1 == options.calls())) {
                    out.println("  " + tally.progress(options.calls()));
                }
            }
            out.println(tally.summary());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("simulate: interrupted");
            return 1;
        } catch (IOException | RuntimeException e) {
            if (!one && tally.calls > 0) {
                out.println(tally.summary());
            }
            err.println("simulate: " + failure(e, options.server()));
            return 1;
        }
    }

    /** What one played call came to: its final status, whether a buyer answered, its conversion state if any. */
    record Played(String status, boolean connected, String conversion) {}

    /** The calls played so far: how many, connected, converted, by final status, and since when. */
    static final class Tally {
        private final long startNanos;
        private final Map<String, Integer> statusToCount = new TreeMap<>();
        private int calls;
        private int connected;
        private int converted;

        Tally(long startNanos) {
            this.startNanos = startNanos;
        }

        void add(Played played) {
            calls++;
            connected += played.connected() ? 1 : 0;
            converted += played.conversion().equals("converted") ? 1 : 0;
            statusToCount.merge(played.status(), 1, Integer::sum);
        }

        String progress(int of) {
            return calls + "/" + of + " calls played, " + connected + " connected, " + converted + " converted ("
                    + seconds() + ")";
        }

        String summary() {
            StringBuilder ended = new StringBuilder();
            statusToCount.forEach((status, count) -> ended.append(ended.isEmpty() ? "" : ", ")
                    .append(status)
                    .append(' ')
                    .append(count));
            return "simulated " + calls + (calls == 1 ? " call" : " calls") + " in " + seconds() + ": " + connected
                    + " connected, " + converted + " converted; ended: " + ended;
        }

        private String seconds() {
            return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
        }
    }

    /** One line saying what went wrong talking to {@code server} and what to do about it. */
    static String failure(Exception error, String server) {
        return switch (error) {
            case Refused refused
            when refused.status == 401 || refused.status == 403 ->
                "the server at " + server + " refused the API key (HTTP " + refused.status
                        + "); pass an API key of the account with --key";
            case Refused refused ->
                "the server at " + server + " answered HTTP " + refused.status
                        + (refused.code.isEmpty() ? "" : " " + refused.code) + ": " + refused.getMessage();
            case ConnectException e ->
                "no Switchboard answers at " + server + " (start it with ./switchboard, or pass --server URL)";
            case HttpTimeoutException e ->
                server + " did not answer within 30 s; check that it is a running Switchboard (--server URL)";
            case IOException e ->
                "cannot talk to " + server + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); check --server URL";
            default ->
                "unexpected failure (" + error.getClass().getSimpleName()
                        + (error.getMessage() == null ? "" : ": " + error.getMessage()) + ")";
        };
    }

    /** Plays one call; prints each step, and the explained log when {@code explain}. */
    Played play(String from, String to, List<String> answers, int talkSeconds, boolean explain)
            throws IOException, InterruptedException {
        JsonNode step = post(
                "/api/v2/call_control/calls",
                Map.of("carrier_call_id", "sim-" + UUID.randomUUID(), "from", from, "to", to));
        String uuid = step.path("call_uuid").asText(null);
        out.printf("call %s -> %s: %s%n", from, to, uuid == null ? "rejected" : uuid);
        int dialled = 0;
        long ringing = 0;
        boolean connected = false;
        while (true) {
            JsonNode instruction = step.path("instruction");
            String action = instruction.path("action").asText();
            if (action.equals("dial")) {
                String answer = dialled < answers.size() ? answers.get(dialled).strip() : "yes";
                dialled++;
                printDial(instruction, answer);
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
                connected = true;
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
            return new Played("rejected", false, "");
        }
        String status = step.path("status").asText();
        out.printf("  ended: %s%n", status);
        JsonNode detail = get("/api/v2/calls/" + uuid);
        String conversion = detail.path("call").path("conversion").path("state").asText("");
        if (!conversion.isEmpty()) {
            out.printf("  conversion: %s%n", conversion);
        }
        if (explain) {
            printExplanation(detail);
        }
        return new Played(status, connected, conversion);
    }

    private void printDial(JsonNode instruction, String answer) {
        out.printf(
                "  dial %s (buyer %d, ring timeout %d s%s): %s%n",
                instruction.path("destination").asText(),
                instruction.path("buyer_id").asLong(),
                instruction.path("ring_timeout_seconds").asInt(),
                instruction.path("sip_headers").isMissingNode() ? "" : ", SIP headers X-PH-RetreaverUUID/Key",
                answer);
    }

    /** The explained call log: every buyer considered with its verdict, then the call's state transitions. */
    private void printExplanation(JsonNode detail) {
        out.println("  buyers considered:");
        for (JsonNode c : detail.path("buyers_considered")) {
            out.printf(
                    "    %-28s %s%n",
                    c.path("buyer_name").asText() + " (" + c.path("buyer_id").asLong() + ")",
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
        JsonNode body;
        try {
            body = Json.read(response.body());
        } catch (IllegalStateException e) {
            throw new IOException(
                    "HTTP " + response.statusCode() + " with a body that is not JSON; is it a Switchboard server?");
        }
        if (response.statusCode() >= 400) {
            JsonNode error = body.path("error");
            throw new Refused(
                    response.statusCode(),
                    error.path("code").asText(""),
                    error.path("message").asText("no error message"));
        }
        return body;
    }

    /** Checks a command line: every option known and given a value, numbers whole and in range, answers known. */
    static Command parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        Optional<Command> stop = read(args, given);
        if (stop.isPresent()) {
            return stop.get();
        }
        return check(given);
    }

    /**
     * Reads {@code --name value} pairs into {@code given}; answers the command when the line asks for help or
     * cannot be read (an argument not an option, an unknown option, an option without its value).
     */
    private static Optional<Command> read(String[] args, Map<String, String> given) {
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("help")) {
                return Optional.of(new Command.Help());
            }
            if (!arg.startsWith("--")) {
                return Optional.of(new Command.Invalid("unexpected argument '" + arg + "'; options start with --"));
            }
            String name = arg.substring(2);
            if (!List.of("key", "to", "from", "answers", "talk", "server", "calls")
                    .contains(name)) {
                return Optional.of(new Command.Invalid("unknown option --" + name));
            }
            if (rest.isEmpty() || rest.getFirst().startsWith("--")) {
                return Optional.of(new Command.Invalid("--" + name + " needs a value"));
            }
            given.put(name, rest.removeFirst());
        }
        return Optional.empty();
    }

    /** Checks the options read: key and tracking number given, answers known, URL usable, numbers in range. */
    private static Command check(Map<String, String> given) {
        String key = given.get("key");
        if (key == null) {
            return new Command.Invalid("--key is required");
        }
        String to = given.get("to");
        if (to == null) {
            return new Command.Invalid("--to is required");
        }
        List<String> answers = List.of(given.getOrDefault("answers", "yes").split(",")).stream()
                .map(String::strip)
                .toList();
        for (String answer : answers) {
            if (!ANSWERS.contains(answer)) {
                return new Command.Invalid("--answers takes yes, no, busy or failed, not '" + answer + "'");
            }
        }
        String server = given.getOrDefault("server", "http://127.0.0.1:8080");
        try {
            URI uri = URI.create(server);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                return new Command.Invalid("--server takes an http:// or https:// URL, not '" + server + "'");
            }
        } catch (IllegalArgumentException e) {
            return new Command.Invalid("--server takes an http:// or https:// URL, not '" + server + "'");
        }
        int talk;
        int calls;
        try {
            talk = Integer.parseInt(given.getOrDefault("talk", "60"));
            calls = Integer.parseInt(given.getOrDefault("calls", "1"));
        } catch (NumberFormatException e) {
            return new Command.Invalid("--calls and --talk take whole numbers");
        }
        if (talk < 0 || talk > 86_400) {
            return new Command.Invalid("--talk takes 0 to 86400 seconds");
        }
        if (calls < 1 || calls > 1_000_000) {
            return new Command.Invalid("--calls takes 1 to 1000000");
        }
        return new Command.Run(new Options(
                server.endsWith("/") ? server.substring(0, server.length() - 1) : server,
                key,
                to,
                given.getOrDefault("from", "+13125550147"),
                answers,
                talk,
                calls));
    }
}
