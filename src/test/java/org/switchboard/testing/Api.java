package org.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A client of one account's admin API (or of none, for unauthenticated calls). */
public final class Api {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final Optional<String> key;
    private final long accountId;

    Api(String base, Optional<String> key, long accountId) {
        this.base = base;
        this.key = key;
        this.accountId = accountId;
    }

    /** A client of the server at {@code base} sending the API key {@code key} (its account id unknown: 0). */
    public static Api forKey(String base, String key) {
        return new Api(base, Optional.of(key), 0);
    }

    /** The same account's client, sending to another node of the deployment at {@code otherBase}. */
    public Api at(String otherBase) {
        return new Api(otherBase, key, accountId);
    }

    public long accountId() {
        return accountId;
    }

    public String key() {
        return key.orElseThrow();
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, String json) {
        return send("POST", path, json);
    }

    public Response put(String path, String json) {
        return send("PUT", path, json);
    }

    public Response patch(String path, String json) {
        return send("PATCH", path, json);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    /** Sends with the key as a Bearer header. */
    public Response send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        key.ifPresent(k -> request.header("Authorization", "Bearer " + k));
        return send(request.build());
    }

    /**
     * Sends exactly what the caller built (for tests of headers and raw bodies). Every answer of the server is checked
     * against the OpenAPI document ({@link ApiContract}): an answer the document does not describe fails the test.
     */
    public static Response send(HttpRequest request) {
        return send(CLIENT, request);
    }

    /** {@link #send(HttpRequest)} through a client of the caller's own (its timeouts, its connections). */
    public static Response send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
            Response response = new Response(answer.statusCode(), answer.headers(), answer.body());
            ApiContract.check(request.method(), request.uri(), response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String base() {
        return base;
    }
}
