package org.switchboard.testing;

/** The SQL engines every integration test runs against. */
public enum Engine {
    SQLITE,
    POSTGRESQL
}
