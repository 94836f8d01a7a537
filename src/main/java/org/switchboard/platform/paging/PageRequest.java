package org.switchboard.platform.paging;

/**
 * The page a list request asks for (read from a request by {@code Http.pageRequest}): {@code page} counts from 1, {@code per_page} is 1..200 (default 25). */
public record PageRequest(int page, int perPage) {
    public static final int DEFAULT_PER_PAGE = 25;
    public static final int MAX_PER_PAGE = 200;

    public long offset() {
        return (long) (page - 1) * perPage;
    }
}
