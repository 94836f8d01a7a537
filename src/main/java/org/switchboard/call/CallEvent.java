package org.switchboard.call;

import java.time.Instant;

/** A recorded transition of a call: when, into which state, and what happened in words. */
public record CallEvent(int seq, Instant at, CallState state, String detail) {}
