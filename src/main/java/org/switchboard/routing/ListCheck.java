package org.switchboard.routing;

import org.switchboard.callerlist.CallerList;

/** A caller list (of the campaign or of a buyer) and whether the caller's number is on it. */
public record ListCheck(String name, CallerList.Behaviour behaviour, boolean callerListed) {}
