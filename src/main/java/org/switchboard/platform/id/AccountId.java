package org.switchboard.platform.id;

/** The tenant key: every read and write of account data is scoped by one of these. */
public record AccountId(long value) {
    @Override
    public String toString() {
        return Long.toString(value);
    }
}
