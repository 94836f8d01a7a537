package org.switchboard.tag;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.id.AccountId;

/**
 * The terms of a tag filter that name a publisher, buyer or campaign, written either way an owner knows the party: by
 * its numeric id or by its customer id ({@code cid}). A call carries one form per tag (see {@link #TAG_TO_FORM}), so a
 * filter is stored in that form when it is saved: {@code publisher_id:7} becomes {@code publisher_id:pub-100} when
 * publisher 7's cid is pub-100, {@code system_buyer_id:acme} becomes {@code system_buyer_id:42}. A value is read as a
 * cid first (compared without regard to case, as tag values are), then as an id, as the RTB ping reads
 * {@code publisher_id}. A value that names no party of the account is kept as written and warned about: it is valid
 * (the party may be created later) but, as written, no call carries it.
 *
 * <p>Saved-time rewriting rather than tagging calls with both forms keeps one value per tag in what calls show and
 * send ({@code [publisher_id]} in a webhook URL, the call log, the CSV export) and keeps matching a plain comparison.
 */
public final class PartyTerms {
    /** Who a party tag names. */
    public enum Kind {
        PUBLISHER,
        BUYER,
        CAMPAIGN;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A publisher, buyer or campaign of the account: its id and its customer id, if it has one. */
    public record Party(long id, Optional<String> cid) {
        /** The value a call's tag carries when the tag holds the customer id: the cid, else the id. */
        public String cidOrId() {
            return cid.orElse(Long.toString(id));
        }
    }

    /** Finds the account's party of a kind by cid or by numeric id; account-scoped. */
    @FunctionalInterface
    public interface Parties {
        Optional<Party> find(AccountId account, Kind kind, String idOrCid);
    }

    /** Which value of a party the call flow puts in the tag. */
    enum Form {
        CID_OR_ID,
        ID
    }

    record Named(Kind kind, Form form) {}

    /**
     * The party tags the call flow sets: {@code publisher_id} and {@code source_id} hold the publisher's cid (else its
     * id), {@code handler_id} the buyer's cid (else its id), {@code system_buyer_id} the buyer's id and
     * {@code campaign_id} the campaign's id.
     */
    static final Map<String, Named> TAG_TO_FORM = Map.of(
            "publisher_id", new Named(Kind.PUBLISHER, Form.CID_OR_ID),
            "source_id", new Named(Kind.PUBLISHER, Form.CID_OR_ID),
            "handler_id", new Named(Kind.BUYER, Form.CID_OR_ID),
            "system_buyer_id", new Named(Kind.BUYER, Form.ID),
            "campaign_id", new Named(Kind.CAMPAIGN, Form.ID));

    /** A filter in the form calls carry, and what it names that the account does not have. */
    public record Checked(TagFilter filter, List<String> warnings) {}

    private final Parties parties;

    public PartyTerms(Parties parties) {
        this.parties = parties;
    }

    /** The account's party of {@code kind} named by cid or id. */
    public Optional<Party> find(AccountId account, Kind kind, String idOrCid) {
        return parties.find(account, kind, idOrCid);
    }

    /** Rewrites the party terms of {@code filter} to the form calls carry; warns about names of no party. */
    public Checked check(AccountId account, TagFilter filter) {
        List<TagFilter.Term> terms = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (TagFilter.Term term : filter.terms()) {
            Named named = TAG_TO_FORM.get(term.key());
            if (named == null || term.anyValue()) {
                terms.add(term);
                continue;
            }
            Optional<Party> party = parties.find(account, named.kind(), term.value());
            if (party.isEmpty()) {
                warnings.add("'" + term + "' names no " + named.kind().word() + " of this account (by id or cid), so "
                        + (term.negated() ? "it excludes no call" : "no call matches it"));
                terms.add(term);
                continue;
            }
            String value = named.form() == Form.ID
                    ? Long.toString(party.get().id())
                    : party.get().cidOrId();
            TagFilter.Term stored = new TagFilter.Term(term.negated(), term.key(), value);
            if (!terms.contains(stored)) {
                terms.add(stored);
            }
        }
        return new Checked(new TagFilter(terms), List.copyOf(warnings));
    }

    /**
     * Rewrites the filter under {@code field} of a create or update body in place, when it is there, and answers the
     * warnings; a filter that is not valid is a 400 naming {@code field}, as the body's own parsing would make it.
     */
    public List<String> normalize(AccountId account, ObjectNode body, String field) {
        if (!body.has(field) || body.get(field).isNull()) {
            return List.of();
        }
        Checked checked = check(account, TagFilter.parse(field, body.get(field)));
        ArrayNode stored = Json.MAPPER.createArrayNode();
        checked.filter().asStrings().forEach(stored::add);
        body.set(field, stored);
        return checked.warnings();
    }
}
