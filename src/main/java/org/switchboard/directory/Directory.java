package org.switchboard.directory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.switchboard.platform.id.AccountId;
import org.switchboard.platform.phone.PhoneNumbers;

/**
 * A named list of transfer destinations. A Call Transfer key draws from one: a buyer's agent moves a live call to one
 * of its entries, never to an arbitrary number.
 */
public record Directory(
        long id, AccountId accountId, String name, List<Entry> entries, Instant createdAt, Instant updatedAt) {
    public Directory {
        entries = List.copyOf(entries);
    }

    /** One destination: a name the agent sees and an E.164 number or SIP URI. */
    public record Entry(String name, String destination) {}

    /**
     * The entry {@code choice} names: its destination (as written or in any form of the same phone number), its name
     * (case-insensitive), or its 1-based position.
     */
    public Optional<Entry> entry(String choice) {
        String wanted = choice.strip();
        Optional<String> asNumber = PhoneNumbers.toE164(wanted);
        for (Entry entry : entries) {
            if (entry.destination().equals(wanted)
                    || asNumber.filter(entry.destination()::equals).isPresent()
                    || entry.name().equalsIgnoreCase(wanted)) {
                return Optional.of(entry);
            }
        }
        if (wanted.matches("\\d{1,3}")) {
            int position = Integer.parseInt(wanted);
            if (position >= 1 && position <= entries.size()) {
                return Optional.of(entries.get(position - 1));
            }
        }
        return Optional.empty();
    }
}
