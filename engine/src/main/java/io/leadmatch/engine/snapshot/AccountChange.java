package io.leadmatch.engine.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * One account as a CRM change event carries it: the Account.csv fields the loader uses. An upsert replaces every
 * field of an existing account (ids compare as Salesforce ids: 15 and 18 characters both resolve), or adds a new
 * one.
 *
 * @param id           Salesforce account id (15 or 18 characters)
 * @param name         account name (company-name fallback)
 * @param website      website; its registrable domain (or indexed subdomain) is indexed; may be empty
 * @param otherDomains further domains of the account (what the other-domains column lists)
 * @param ownerId      owning user id, or empty
 * @param type         Account.Type as the CRM has it ("Customer", "Prospect", ...), or empty
 * @param country      billing country, or empty
 * @param state        billing state, or empty
 * @param parentId     parent account id, or empty
 */
public record AccountChange(
        String id,
        String name,
        String website,
        List<String> otherDomains,
        String ownerId,
        String type,
        String country,
        String state,
        String parentId) {
    public AccountChange {
        id = trim(id);
        name = trim(name);
        website = trim(website);
        otherDomains = otherDomains == null
                ? List.of()
                : otherDomains.stream().map(AccountChange::trim).toList();
        ownerId = trim(ownerId);
        type = trim(type);
        country = trim(country);
        state = trim(state);
        parentId = trim(parentId);
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    /**
     * A batch of changes, applied all or nothing.
     *
     * @param upserts accounts to add or replace
     * @param deletes account ids to delete (an id not in the CRM state is reported, not an error: change events
     *                may be delivered twice)
     */
    public record Batch(List<AccountChange> upserts, List<String> deletes) {
        public Batch {
            upserts = List.copyOf(Objects.requireNonNull(upserts, "upserts"));
            deletes = deletes == null
                    ? List.of()
                    : deletes.stream().map(AccountChange::trim).toList();
        }

        /** A batch of upserts only. */
        public static Batch upserts(List<AccountChange> accounts) {
            return new Batch(accounts, List.of());
        }

        /** A batch of deletes only. */
        public static Batch deletes(List<String> ids) {
            return new Batch(List.of(), ids);
        }
    }

    /**
     * What a batch did.
     *
     * @param generation the generation serving the batch's result
     * @param inserted   accounts that did not exist before
     * @param updated    accounts that existed and were replaced
     * @param deleted    accounts deleted
     * @param notFound   ids of deletes that named no account (nothing to do)
     * @param warnings   domains that were accepted but will never match by domain (free webmail, disposable,
     *                   junk), and similar notes
     */
    public record Result(
            long generation, int inserted, int updated, int deleted, List<String> notFound, List<String> warnings) {}
}
