package org.switchboard.postback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchboard.testing.Api;
import org.switchboard.testing.Calls;
import org.switchboard.testing.Receiver;
import org.switchboard.testing.Response;
import org.switchboard.testing.ServerIT;

/**
 * What the durable-write endpoints cost in SQL: the statements one request runs and the commits its writes take, on
 * each engine, counted by a logger on the server's JDBI while the request is the only one. A request's statements
 * run on its own thread and on the group-commit writer; background pollers (conversion timeouts, the webhook outbox,
 * the RTB log) are left out by thread name. The figures go to docs/benchmarks.md; the bounds here keep them.
 */
class StatementCountIT extends ServerIT {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final Receiver receiver = new Receiver().on("/", Receiver.respond(200, "text/plain", "ok"));
    private final Counting counting = new Counting();

    @BeforeEach
    void count() {
        server.wiring().database().jdbi().setSqlLogger(counting);
    }

    @AfterEach
    void stop() {
        server.wiring().database().jdbi().setSqlLogger(SqlLogger.NOP_SQL_LOGGER);
        receiver.close();
    }

    /** The statements a request ran: how many, how many wrote, and how many commits their writes took. */
    record Cost(String what, int statements, int writes, int commits, List<String> sql) {
        @Override
        public String toString() {
            return what + ": " + statements + " statements, " + writes + " writes, " + commits + " commits\n  "
                    + String.join("\n  ", sql);
        }
    }

    /** Counts statements of request and writer threads; a run of statements in one transaction is one commit. */
    private static final class Counting implements SqlLogger {
        /** One statement; {@code connection} is the pool's lease it ran on (a new object for every borrow). */
        private record Seen(String thread, Connection connection, boolean autoCommit, boolean write, String sql) {}

        private final List<Seen> seen = new ArrayList<>();

        @Override
        public synchronized void logAfterExecution(StatementContext context) {
            String thread = Thread.currentThread().getName();
            if (background(thread)) {
                return;
            }
            boolean autoCommit;
            Connection connection = context.getConnection();
            try {
                autoCommit = connection.getAutoCommit();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            String sql = context.getRenderedSql().strip().replaceAll("\\s+", " ");
            String verb = sql.substring(0, Math.min(6, sql.length())).toUpperCase(Locale.ROOT);
            boolean write = verb.startsWith("INSERT")
                    || verb.startsWith("UPDATE")
                    || verb.startsWith("DELETE")
                    || sql.toUpperCase(Locale.ROOT).contains(" RETURNING ");
            seen.add(new Seen(
                    thread, connection, autoCommit, write, sql.length() > 110 ? sql.substring(0, 110) + "…" : sql));
        }

        /**
         * Request threads (Helidon's) and the request writers count; pollers, webhook workers and their writers
         * (pixels, delivery attempts) do not.
         */
        private static boolean background(String thread) {
            boolean requestWriter = thread.endsWith("-writer")
                    && !thread.startsWith("delivery-attempt")
                    && !thread.startsWith("fired-pixel");
            return !thread.contains("WebServer") && !requestWriter;
        }

        synchronized void reset() {
            seen.clear();
        }

        synchronized Cost cost(String what) {
            int writes = 0;
            int commits = 0;
            // a transaction is a run of statements of one thread outside autocommit on one lease of a connection (two
            // transactions one after the other borrow twice); it commits once if it wrote
            java.util.Map<String, Boolean> threadToOpenWrote = new java.util.HashMap<>();
            java.util.Map<String, Integer> threadToLast = new java.util.HashMap<>();
            for (int i = 0; i < seen.size(); i++) {
                Seen s = seen.get(i);
                if (s.write()) {
                    writes++;
                }
                if (s.autoCommit()) {
                    commits += s.write() ? 1 : 0;
                    threadToOpenWrote.remove(s.thread());
                    continue;
                }
                Integer last = threadToLast.get(s.thread());
                boolean continues = last != null
                        && !seen.get(last).autoCommit()
                        && seen.get(last).thread().equals(s.thread())
                        && seen.get(last).connection() == s.connection();
                if (!continues) {
                    threadToOpenWrote.put(s.thread(), false);
                }
                if (s.write() && !threadToOpenWrote.getOrDefault(s.thread(), false)) {
                    commits++;
                    threadToOpenWrote.put(s.thread(), true);
                }
                threadToLast.put(s.thread(), i);
            }
            return new Cost(
                    what,
                    seen.size(),
                    writes,
                    commits,
                    seen.stream().map(s -> s.thread() + " " + s.sql()).toList());
        }
    }

    private Cost measure(String what, Supplier<Response> request, int expectedStatus) {
        counting.reset();
        Response response = request.get();
        assertThat(response.status()).as(response.toString()).isEqualTo(expectedStatus);
        Cost cost = counting.cost(what + " (" + engine + ")");
        try {
            // each engine's run goes to the same file (the test output file keeps only the last run)
            java.nio.file.Files.writeString(
                    java.nio.file.Path.of("target", "statement-counts.txt"),
                    cost + "\n",
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return cost;
    }

    private static Response send(String url, String method) {
        return Api.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** A new campaign of the account's, answering on tracking number {@code number}; its id. */
    private static long campaignWith(Api api, String number) {
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Counted\"}").id();
        api.post("/api/v2/numbers", "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + "}");
        return campaign;
    }

    /**
     * A postback criterion named Sale ({@code matches}: its {@code "matches": [...], } member, or none for every
     * call) and a webhook fired on every event, on the receiver.
     */
    private void saleAndWebhook(Api api, long campaign, String matches) {
        api.post(
                "/api/v2/campaigns/" + campaign + "/conversion_criteria",
                "{\"name\": \"Sale\", " + matches + "\"trigger\": {\"type\": \"postback\"}, \"revenue\": {\"type\":"
                        + " \"posted\"}, \"payout\": {\"type\": \"modifier\", \"modifier\": \"*0.8\"}}");
        api.post(
                "/api/v2/campaigns/" + campaign + "/webhooks",
                "{\"name\": \"always\", \"trigger\": \"always\", \"url\": \"" + receiver.url("/always") + "\"}");
    }

    /** A call from {@code from} that its first buyer answered and that ended after 120 of its 130 seconds. */
    private static String endedCall(Calls calls, String from, String number) {
        String uuid = calls.arrive(from, number).json().path("call_uuid").asText();
        calls.attempt(uuid, 1, "answered");
        calls.hangup(uuid, 130, 120);
        return uuid;
    }

    private String number(String prefix) {
        return prefix + String.format("%04d", NEXT.incrementAndGet() + engine.ordinal() * 5000);
    }

    @Test
    void dataWritingShouldCostFewStatementsAndOneCommit() {
        // given
        Api api = newAccount();
        long campaign = api.post("/api/v2/campaigns", "{\"name\": \"Counted\"}").id();
        long publisher = api.post("/api/v2/publishers", "{\"name\": \"Pub\"}").id();
        String number = number("+1866571");
        api.post(
                "/api/v2/numbers",
                "{\"number\": \"" + number + "\", \"campaign_id\": " + campaign + ", \"publisher_id\": " + publisher
                        + "}");
        api.post(
                "/api/v2/buyers",
                "{\"name\": \"Buyer\", \"destination\": \"+12125550101\", \"campaign_ids\": [" + campaign + "]}");
        String key = api.post(
                        "/api/v2/publishers/" + publisher + "/postback_keys",
                        "{\"type\": \"call_data_writing\", \"name\": \"Counted\"}")
                .json()
                .path("key")
                .asText();
        String live = new Calls(api)
                .arrive("+13125550901", number)
                .json()
                .path("call_uuid")
                .asText();
        String base = api.base() + "/data_writing?key=" + key;
        send(base + "&caller_number=%2B13125550999&warm=up", "POST"); // the key into its cache

        // when
        Cost stored = measure(
                "data writing, a caller with no call",
                () -> send(base + "&caller_number=%2B13125550902&lead=x", "POST"),
                200);
        Cost onLive =
                measure("data writing, a live call", () -> send(base + "&call_uuid=" + live + "&lead=x", "POST"), 200);

        // then: the key from its cache; the latest call, then the tags kept for the caller with the log entry; or
        // the call, then its tags read and written with their trail and the log entry; one commit each
        assertThat(stored.statements()).as(stored.toString()).isLessThanOrEqualTo(3);
        assertThat(stored.commits()).as(stored.toString()).isEqualTo(1);
        assertThat(onLive.statements()).as(onLive.toString()).isLessThanOrEqualTo(5);
        assertThat(onLive.commits()).as(onLive.toString()).isEqualTo(1);
    }

    @Test
    void aConversionPostbackShouldCostFewStatementsAndOneCommit() {
        // given: a postback criterion, a post-call webhook, and an ended call the key's buyer answered
        Api api = newAccount();
        String number = number("+1866572");
        long campaign = campaignWith(api, number);
        long buyer = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"Closer\", \"destination\": \"+12125550701\", \"campaign_ids\": [" + campaign
                                + "]}")
                .id();
        String key = api.post(
                        "/api/v2/buyers/" + buyer + "/postback_keys",
                        "{\"type\": \"conversion\", \"name\": \"Counted\"}")
                .json()
                .path("key")
                .asText();
        saleAndWebhook(api, campaign, "\"matches\": [\"system_buyer_id:" + buyer + "\"], ");
        Calls calls = new Calls(api);
        String uuid = endedCall(calls, "+13125550911", number);
        endedCall(calls, "+13125550912", number);
        String base = api.base() + "/postbacks/" + key;
        send(base + "?call_uuid=" + UUID.randomUUID(), "POST"); // the key into its cache

        // when
        Cost first = measure(
                "conversion postback by call_uuid, first",
                () -> send(base + "?call_uuid=" + uuid + "&value=10", "POST"),
                200);
        Cost repeated = measure(
                "conversion postback by call_uuid, repeated",
                () -> send(base + "?call_uuid=" + uuid + "&value=10", "POST"),
                200);
        Cost byCaller = measure(
                "conversion postback by caller_number, first",
                () -> send(base + "?caller_number=%2B13125550912&value=10", "POST"),
                200);

        // then: 23 statements in 6 commits before they shared one transaction; 10 since the webhooks a call can fire
        // are read from memory
        for (Cost cost : List.of(first, byCaller)) {
            assertThat(cost.statements()).as(cost.toString()).isLessThanOrEqualTo(10);
            assertThat(cost.commits()).as(cost.toString()).isEqualTo(1);
        }
        assertThat(repeated.statements()).as(repeated.toString()).isLessThanOrEqualTo(4);
        assertThat(repeated.commits()).as(repeated.toString()).isEqualTo(1);
    }

    @Test
    void aCallsArrivalAnswerAndHangupShouldKeepTheirCost() {
        // given: a campaign with one buyer, a call-start webhook and a postback criterion, as most campaigns have
        Api api = newAccount();
        String number = number("+1866574");
        long campaign = campaignWith(api, number);
        api.post(
                "/api/v2/buyers",
                "{\"name\": \"Closer\", \"destination\": \"+12125550801\", \"campaign_ids\": [" + campaign + "]}");
        saleAndWebhook(api, campaign, "");
        Calls calls = new Calls(api);
        endedCall(calls, "+13125550931", number);

        // when
        String[] uuid = new String[1];
        Cost arrived = measure(
                "call arrival (call control)",
                () -> {
                    Response response = calls.arrive("+13125550932", number);
                    uuid[0] = response.json().path("call_uuid").asText();
                    return response;
                },
                201);
        Cost answered = measure("attempt answered (call control)", () -> calls.attempt(uuid[0], 1, "answered"), 200);
        Cost hungUp = measure("hangup of a connected call (call control)", () -> calls.hangup(uuid[0], 70, 60), 200);

        // then: the rows of each step of the call commit together: the call with its arrival, its routing, each dial,
        // the answer, the end (docs/benchmarks.md, the call control requests; 10, 5 and 4 commits when each write
        // committed on its own); the bounds are the figures measured on 2026-12-07, the same on both engines, so a
        // change that adds statements or commits is seen
        assertThat(arrived.statements()).as(arrived.toString()).isLessThanOrEqualTo(29);
        assertThat(arrived.commits()).as(arrived.toString()).isLessThanOrEqualTo(3);
        assertThat(answered.statements()).as(answered.toString()).isLessThanOrEqualTo(15);
        assertThat(answered.commits()).as(answered.toString()).isLessThanOrEqualTo(1);
        assertThat(hungUp.statements()).as(hungUp.toString()).isLessThanOrEqualTo(14);
        assertThat(hungUp.commits()).as(hungUp.toString()).isLessThanOrEqualTo(3);
    }

    @Test
    void callerListAndCallControlRequestsShouldCostFewStatements() {
        // given
        Api api = newAccount();
        String number = number("+1866573");
        long campaign = campaignWith(api, number);
        long a = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"A\", \"destination\": \"+12125550601\", \"priority\": 1, \"campaign_ids\": ["
                                + campaign + "]}")
                .id();
        long b = api.post(
                        "/api/v2/buyers",
                        "{\"name\": \"B\", \"destination\": \"+12125550602\", \"priority\": 2, \"campaign_ids\": ["
                                + campaign + "]}")
                .id();
        long group = api.post("/api/v2/buyer_groups", "{\"name\": \"Team\", \"buyer_ids\": [" + a + ", " + b + "]}")
                .id();
        String rejectKey = api.post(
                        "/api/v2/buyer_groups/" + group + "/postback_keys",
                        "{\"type\": \"call_rejection\", \"name\": \"Counted\"}")
                .json()
                .path("key")
                .asText();
        String listKey = api.post(
                        "/api/v2/campaigns/" + campaign + "/postback_keys",
                        "{\"type\": \"caller_list_management\", \"name\": \"Counted\", \"options\": {\"permissions\":"
                                + " [\"caller_list_number__create\"]}}")
                .json()
                .path("key")
                .asText();
        api.post("/api/v2/campaigns/" + campaign + "/caller_lists", "{\"name\": \"suppressed_dnc\"}");
        Receiver sip = new Receiver().on("/control", Receiver.respond(204, "text/plain", ""));
        try {
            String uuid = api.post(
                            "/api/v2/call_control/calls",
                            "{\"carrier_call_id\": \"" + UUID.randomUUID()
                                    + "\", \"from\": \"+13125550921\", \"to\": \"" + number + "\", \"control_url\": \""
                                    + sip.url("/control") + "\"}")
                    .json()
                    .path("call_uuid")
                    .asText();
            new Calls(api).attempt(uuid, 1, "answered");
            String numbers = api.base() + "/api/v2/campaigns/" + campaign
                    + "/caller_lists/suppressed_dnc/caller_list_numbers.json?key=" + listKey;
            Supplier<Response> add = () -> Api.send(HttpRequest.newBuilder(URI.create(numbers))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [\"+13125550922\"]}"))
                    .build());
            add.get(); // the key into its cache

            // when
            Cost listed = measure(
                    "caller list numbers added with a key",
                    () -> Api.send(HttpRequest.newBuilder(URI.create(numbers))
                            .timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [\"+13125550923\"]}"))
                            .build()),
                    200);
            Cost rejected = measure(
                    "call rejection",
                    () -> send(
                            api.base() + "/handler_groups/" + group + "/call_control/reject?key=" + rejectKey
                                    + "&call_uuid=" + uuid,
                            "POST"),
                    200);

            // then: today's figures (the same on both engines), so a change that adds statements is seen; the
            // rejection's dial of the next buyer commits its rows together, as the call control requests' do
            assertThat(listed.statements()).as(listed.toString()).isLessThanOrEqualTo(5);
            assertThat(listed.commits()).as(listed.toString()).isLessThanOrEqualTo(2);
            assertThat(rejected.statements()).as(rejected.toString()).isLessThanOrEqualTo(38);
            assertThat(rejected.commits()).as(rejected.toString()).isLessThanOrEqualTo(6);
        } finally {
            sip.close();
        }
    }
}
