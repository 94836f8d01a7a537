package org.switchboard.call;

/**
 * What became of a request to change a connected call (call rejection, call transfer): the call and the instruction
 * its carrier must now follow, or why nothing changed.
 */
public sealed interface LiveControl {
    record Changed(Call call, Instruction next) implements LiveControl {}

    record Refused(String reason) implements LiveControl {}
}
