package org.switchboard.platform.http;

import io.helidon.webserver.http.ServerRequest;

/** The page a list request asks for: {@code page} counts from 1, {@code per_page} is 1..200 (default 25). */
public record PageRequest(int page, int perPage) {
    public static final int DEFAULT_PER_PAGE = 25;
    public static final int MAX_PER_PAGE = 200;

    public static PageRequest of(ServerRequest request) {
        int page = Http.intQuery(request, "page", 1, 1, 1_000_000);
        int perPage = Http.intQuery(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE);
        return new PageRequest(page, perPage);
    }

    public long offset() {
        return (long) (page - 1) * perPage;
    }
}
