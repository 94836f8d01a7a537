package org.switchboard.telephony;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.switchboard.call.Call;
import org.switchboard.call.CallRepository;
import org.switchboard.call.CarrierControl;
import org.switchboard.call.Instruction;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.outbound.OutboundHttp;

/**
 * Moves live calls through the carrier that holds them.
 *
 * <ul>
 *   <li>Twilio: the call is updated ({@code POST /2010-04-01/Accounts/{sid}/Calls/{CallSid}.json} with {@code Url}),
 *       so Twilio leaves the current {@code <Dial>} and fetches {@code /twilio/redirect?call=UUID}, which answers the
 *       call's current instruction.
 *   <li>Plivo: the A leg is transferred ({@code POST /v1/Account/{auth_id}/Call/{CallUUID}/} with {@code legs=aleg,
 *       aleg_url}) to {@code /plivo/redirect?call=UUID}.
 *   <li>The carrier-neutral API: the instruction is POSTed as JSON to the {@code control_url} the client gave when
 *       the call arrived (through the same address guard as webhooks); a client that gave none polls the call.
 * </ul>
 *
 * Carrier API hosts are the operator's configuration, so they are called with a plain client; a client's control URL
 * is not, so it goes through {@link OutboundHttp}.
 */
public final class CarrierControls implements CarrierControl, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A carrier account's REST credentials: the account id and auth token, and the API's base URL. */
    public record Account(String id, String authToken, String apiUrl) {}

    private final Optional<Account> twilio;
    private final Optional<Account> plivo;
    private final Supplier<String> publicBaseUrl;
    private final CallRepository calls;
    private final OutboundHttp outbound;
    /** Built on first use: most nodes never call a carrier's API, and building one costs start-up time. */
    private @Nullable HttpClient client;

    public CarrierControls(
            Optional<Account> twilio,
            Optional<Account> plivo,
            Supplier<String> publicBaseUrl,
            CallRepository calls,
            OutboundHttp outbound) {
        this.twilio = twilio;
        this.plivo = plivo;
        this.publicBaseUrl = publicBaseUrl;
        this.calls = calls;
        this.outbound = outbound;
    }

    @Override
    public Optional<String> unavailable(Call call) {
        return switch (call.carrier()) {
            case TwilioRoutes.CARRIER ->
                twilio.isPresent()
                        ? Optional.empty()
                        : Optional.of("live call control needs SWITCHBOARD_TWILIO_ACCOUNT_SID and the auth token");
            case PlivoRoutes.CARRIER ->
                plivo.isPresent()
                        ? Optional.empty()
                        : Optional.of("live call control needs SWITCHBOARD_PLIVO_AUTH_ID and the auth token");
            // a client without a control URL polls the call for its current instruction
            case CallControlRoutes.CARRIER -> Optional.empty();
            default -> Optional.of("carrier " + call.carrier() + " cannot be redirected");
        };
    }

    @Override
    public Optional<String> redirect(Call call, Instruction next) {
        Optional<String> unavailable = unavailable(call);
        if (unavailable.isPresent()) {
            return unavailable;
        }
        return switch (call.carrier()) {
            case TwilioRoutes.CARRIER -> {
                Account account = twilio.orElseThrow();
                String url = account.apiUrl() + "/2010-04-01/Accounts/" + encode(account.id()) + "/Calls/"
                        + encode(call.carrierCallId()) + ".json";
                yield carrierPost(
                        account,
                        url,
                        "application/x-www-form-urlencoded",
                        "Url=" + encode(publicBaseUrl.get() + "/twilio/redirect?call=" + call.uuid()) + "&Method=POST");
            }
            case PlivoRoutes.CARRIER -> {
                Account account = plivo.orElseThrow();
                String url = account.apiUrl() + "/v1/Account/" + encode(account.id()) + "/Call/"
                        + encode(call.carrierCallId()) + "/";
                yield carrierPost(
                        account,
                        url,
                        "application/json",
                        Json.writeString(Map.of(
                                "legs",
                                "aleg",
                                "aleg_url",
                                publicBaseUrl.get() + "/plivo/redirect?call=" + call.uuid(),
                                "aleg_method",
                                "POST")));
            }
            default -> controlUrlPost(call, next);
        };
    }

    private Optional<String> carrierPost(Account account, String url, String contentType, String body) {
        String basic = Base64.getEncoder()
                .encodeToString((account.id() + ":" + account.authToken()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2
                    ? Optional.empty()
                    : Optional.of("the carrier answered HTTP " + response.statusCode());
        } catch (IOException e) {
            return Optional.of(
                    "the carrier's API could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while telling the carrier");
        }
    }

    private Optional<String> controlUrlPost(Call call, Instruction next) {
        Optional<String> controlUrl = calls.controlUrl(call.id());
        if (controlUrl.isEmpty()) {
            return Optional.empty();
        }
        String url = controlUrl.get();
        byte[] body = Json.write(
                Map.of("call_uuid", call.uuid(), "status", call.status(), "instruction", InstructionOut.of(next)));
        OutboundHttp.Result result = outbound.send(new OutboundHttp.Request(
                "POST", url, Map.of(), Optional.of(body), Optional.of("application/json"), TIMEOUT));
        if (result.ok()) {
            return Optional.empty();
        }
        return Optional.of(result.error()
                .map(kind ->
                        "the control URL could not be reached (" + kind.name().toLowerCase(Locale.ROOT) + ")")
                .orElseGet(
                        () -> "the control URL answered HTTP " + result.status().orElse(0)));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .connectTimeout(TIMEOUT)
                    .build();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
